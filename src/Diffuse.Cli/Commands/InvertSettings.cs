using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class InvertSettings : CommandSettings
{
    [CommandOption("--model <DIR>")]
    [Description("Model folder in diffusers' layout (an image model). " + DefaultModel.Help)]
    public string? Model { get; init; }

    [CommandOption("--image <FILE.png>")]
    [Description("The image to invert, at the model's size (gray for a 1-channel model).")]
    public string? Image { get; init; }

    [CommandOption("--steps <N>")]
    [Description("DDIM steps; decode with the same number (diffuse sample --init-noise FILE --sampler ddim --eta 0 --steps N).")]
    [DefaultValue(50)]
    public int Steps { get; init; } = 50;

    [CommandOption("--clip")]
    [Description("Keep the model's x̂_0 clipping (clip_sample) in both directions, as diffusers' DDIMInverseScheduler does. Off by default: clipping makes DDIM steps many-to-one and the round trip worse.")]
    public bool Clip { get; init; }

    [CommandOption("--class <K>")]
    [Description("Class-conditional models (required): the class to condition on, or the model's null class for none.")]
    public int? Class { get; init; }

    [CommandOption("--out <FILE.safetensors>")]
    [Description("Where to write the noise, as float32 tensor 'sample' [[1, C, H, W]] (what diffuse sample --init-noise reads).")]
    [DefaultValue("noise.safetensors")]
    public string Out { get; init; } = "noise.safetensors";

    [CommandOption("--reconstruction <FILE.png>")]
    [Description("Also decode the noise with DDIM (η = 0, same steps), write the result here and print its error against the image.")]
    public string? Reconstruction { get; init; }

    [CommandOption("--scale <N>")]
    [Description("Pixel magnification of the reconstruction PNG.")]
    [DefaultValue(1)]
    public int Scale { get; init; } = 1;
}
