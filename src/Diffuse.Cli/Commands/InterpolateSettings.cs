using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class InterpolateSettings : CommandSettings
{
    [CommandOption("--model <DIR>")]
    [Description("Model folder in diffusers' layout (an image model). " + DefaultModel.Help)]
    public string? Model { get; init; }

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

    [CommandOption("--steps <N>")]
    [Description("DDIM steps of the inversion and of the decoding.")]
    [DefaultValue(50)]
    public int Steps { get; init; } = 50;

    [CommandOption("--clip")]
    [Description("Keep the model's x̂_0 clipping (clip_sample) in both directions, as diffusers' DDIMInverseScheduler does. Off by default: clipping makes DDIM steps many-to-one and the round trip worse.")]
    public bool Clip { get; init; }

    [CommandOption("--class <K>")]
    [Description("Class-conditional models (required): the class every step is conditioned on, or the model's null class for none.")]
    public int? Class { get; init; }

    [CommandOption("--out <FILE.png>")]
    [Description("Where to write the strip: A, the N frames, B.")]
    [DefaultValue("interpolation.png")]
    public string Out { get; init; } = "interpolation.png";

    [CommandOption("--scale <N>")]
    [Description("Pixel magnification of the strip.")]
    [DefaultValue(2)]
    public int Scale { get; init; } = 2;
}
