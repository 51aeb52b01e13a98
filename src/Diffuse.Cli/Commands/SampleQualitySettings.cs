using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

/// <summary>The options diffuse eval and diffuse sweep share: what to sample from, what to compare with, how many, and where the figures go.</summary>
public abstract class SampleQualitySettings : CommandSettings
{
    [CommandOption("--model <DIR>")]
    [Description("Model folder to sample from (as for diffuse sample). " + DefaultModel.Help)]
    public string? Model { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description(ModelOptions.DeviceHelp)]
    public string? Device { get; init; }

    [CommandOption("--classifier <DIR>")]
    [Description("Classifier folder from diffuse train-classifier; its features are compared.")]
    [DefaultValue("runs/classifier")]
    public string Classifier { get; init; } = "runs/classifier";

    [CommandOption("--data <PATH>")]
    [Description("Real images to compare with: fashion-mnist (embedded), an IDX images file or an image folder.")]
    [DefaultValue("fashion-mnist")]
    public string Data { get; init; } = "fashion-mnist";

    [CommandOption("--count <N>")]
    [Description("Samples to draw (per row for sweep), and real images to compare them with.")]
    [DefaultValue(1000)]
    public int Count { get; init; } = 1000;

    [CommandOption("--batch <N>")]
    [Description("Samples drawn at once (bounds memory).")]
    [DefaultValue(250)]
    public int Batch { get; init; } = 250;

    [CommandOption("--seed <N>")]
    [Description("Seed of the starting noise (for sweep the same for every row), the step noise and the choice of real images.")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--out <FILE.json>")]
    [Description("Where to write the figures. Default: eval.json (sweep.json for sweep) beside the model folder.")]
    public string? Out { get; init; }
}
