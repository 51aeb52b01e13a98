using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class InterpolateSettings : InversionSettings
{
    [CommandOption("--from <A.png>")]
    [Description("The first image, at the model's size (gray for a 1-channel model).")]
    public string? From { get; init; }

    [CommandOption("--to <B.png>")]
    [Description("The second image.")]
    public string? To { get; init; }

    [CommandOption("--frames <N>")]
    [Description("Decoded frames, the two reconstructions included (at least 2).")]
    [DefaultValue(8)]
    public int Frames { get; init; } = 8;

    [CommandOption("--out <FILE.png>")]
    [Description("Where to write the strip: A, the N frames, B.")]
    [DefaultValue("interpolation.png")]
    public string Out { get; init; } = "interpolation.png";

    [CommandOption("--scale <N>")]
    [Description("Pixel magnification of the strip.")]
    [DefaultValue(2)]
    public int Scale { get; init; } = 2;
}
