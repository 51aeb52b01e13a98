using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

/// <summary>The options diffuse invert and diffuse interpolate share: the model, the DDIM steps both ways, clipping and the class.</summary>
public abstract class InversionSettings : CommandSettings
{
    [CommandOption("--model <DIR>")]
    [Description("Model folder in diffusers' layout (an image model). " + DefaultModel.Help)]
    public string? Model { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description(ModelOptions.DeviceHelp)]
    public string? Device { get; init; }

    [CommandOption("--steps <N>")]
    [Description("DDIM steps of the inversion and of the decoding (decode with the same number: diffuse sample --init-noise FILE --sampler ddim --eta 0 --steps N).")]
    [DefaultValue(50)]
    public int Steps { get; init; } = 50;

    [CommandOption("--clip")]
    [Description("Keep the model's x̂_0 clipping (clip_sample) in both directions, as diffusers' DDIMInverseScheduler does. Off by default: clipping makes DDIM steps many-to-one and the round trip worse.")]
    public bool Clip { get; init; }

    [CommandOption("--class <LIST>")]
    [Description("Class-conditional models (required): the class every step is conditioned on, a list of one; the model's null class (its number of classes) for none.")]
    public string? Class { get; init; }
}
