using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class ImageToImageSettings : ImageEditSettings
{
    [CommandOption("--image <FILE.png>")]
    [Description("The guide image, at the model's size (gray for a 1-channel model).")]
    public string? Image { get; init; }

    [CommandOption("--strength <S>")]
    [Description("How far down the noise the image goes, in [[0, 1]]: 0 returns it unchanged, 1 ignores it. The last ⌈S·steps⌉ steps run.")]
    [DefaultValue(0.6)]
    public double Strength { get; init; } = 0.6;

    [CommandOption("--sampler <NAME>")]
    [Description("ddpm, ddim, dpm++, euler or euler_a (default: the model folder's own).")]
    public string? Sampler { get; init; }

    [CommandOption("--steps <N>")]
    [Description("Timesteps of the full schedule; strength picks how many of the last ones run.")]
    [DefaultValue(50)]
    public int Steps { get; init; } = 50;

    [CommandOption("--out <FILE.png>")]
    [Description("Where to write the edited image.")]
    [DefaultValue("img2img.png")]
    public string Out { get; init; } = "img2img.png";
}
