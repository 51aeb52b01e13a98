using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class ImageToImageSettings : CommandSettings
{
    [CommandOption("--model <DIR>")]
    [Description("Model folder in diffusers' layout (an image model). " + DefaultModel.Help)]
    public string? Model { get; init; }

    [CommandOption("--image <FILE.png>")]
    [Description("The guide image, at the model's size (gray for a 1-channel model).")]
    public string? Image { get; init; }

    [CommandOption("--strength <S>")]
    [Description("How far down the noise the image goes, in [[0, 1]]: 0 returns it unchanged, 1 ignores it. The last ⌈S·steps⌉ steps run.")]
    [DefaultValue(0.6)]
    public double Strength { get; init; } = 0.6;

    [CommandOption("--class <K>")]
    [Description("Class-conditional models: the class to steer towards (default: none, the model's unconditional half, its null class).")]
    public string? Class { get; init; }

    [CommandOption("--guidance-scale <W>")]
    [Description("With --class: classifier-free guidance weight w, as for diffuse sample (0: the plain conditional model).")]
    public double? GuidanceScale { get; init; }

    [CommandOption("--sampler <NAME>")]
    [Description("ddpm, ddim, dpm++, euler or euler_a (default: the model folder's own).")]
    public string? Sampler { get; init; }

    [CommandOption("--steps <N>")]
    [Description("Timesteps of the full schedule; strength picks how many of the last ones run.")]
    [DefaultValue(50)]
    public int Steps { get; init; } = 50;

    [CommandOption("--seed <N>")]
    [Description("Seed of the added noise (and of the sampler's noise).")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--out <FILE.png>")]
    [Description("Where to write the edited image.")]
    [DefaultValue("img2img.png")]
    public string Out { get; init; } = "img2img.png";

    [CommandOption("--scale <N>")]
    [Description("Pixel magnification of the written image.")]
    [DefaultValue(1)]
    public int Scale { get; init; } = 1;
}
