using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class InvertSettings : InversionSettings
{
    [CommandOption("--image <FILE.png>")]
    [Description("The image to invert, at the model's size (gray for a 1-channel model).")]
    public string? Image { get; init; }

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
