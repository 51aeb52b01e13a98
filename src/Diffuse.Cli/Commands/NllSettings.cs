using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class NllSettings : CommandSettings
{
    [CommandOption("--model <DIR>")]
    [Description("Model folder (as for diffuse sample): an image model or a 2-D toy model. " + DefaultModel.Help)]
    public string? Model { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description(ModelOptions.DeviceHelp)]
    public string? Device { get; init; }

    [CommandOption("--data <PATH>")]
    [Description("Images to measure: fashion-mnist (embedded), an IDX images file or an image folder; for a toy model, its data set's name (swissroll, moons, gaussians8, checkerboard).")]
    [DefaultValue("fashion-mnist")]
    public string Data { get; init; } = "fashion-mnist";

    [CommandOption("--count <N>")]
    [Description("Images (or toy points) to measure, chosen at random with --seed.")]
    [DefaultValue(256)]
    public int Count { get; init; } = 256;

    [CommandOption("--timestep-samples <K>")]
    [Description("Estimate the sum of the T−1 transition terms from K timesteps per image (stratified, unbiased, noisier) instead of all of them. Default: all.")]
    public int? TimestepSamples { get; init; }

    [CommandOption("--batch <N>")]
    [Description("Images per network call (bounds memory).")]
    [DefaultValue(128)]
    public int Batch { get; init; } = 128;

    [CommandOption("--conditional")]
    [Description("For a class-conditional model: measure p(x | class) with each image's own label instead of the unconditional p(x) of the null class.")]
    public bool Conditional { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the choice of images, the noise of every term and the sampled timesteps.")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--out <FILE.json>")]
    [Description("Where to write the figures. Default: nll.json beside the model folder.")]
    public string? Out { get; init; }
}
