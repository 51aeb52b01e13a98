using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class SweepSettings : CommandSettings
{
    [CommandOption("--model <DIR>")]
    [Description("Model folder to sample from (as for diffuse sample). " + DefaultModel.Help)]
    public string? Model { get; init; }

    [CommandOption("--classifier <DIR>")]
    [Description("Classifier folder from diffuse train-classifier; its features are compared.")]
    [DefaultValue("runs/classifier")]
    public string Classifier { get; init; } = "runs/classifier";

    [CommandOption("--data <PATH>")]
    [Description("Real images to compare with: fashion-mnist (embedded), an IDX images file or an image folder.")]
    [DefaultValue("fashion-mnist")]
    public string Data { get; init; } = "fashion-mnist";

    [CommandOption("--rows <LIST>")]
    [Description("Samplers and step counts, SAMPLER:STEPS separated by commas (e.g. ddim:10,dpm++:20). Default: ddpm:1000, ddim:10, ddim:20, ddim:50, ddim:100, dpm++:10, dpm++:20, euler:20, heun:10.")]
    public string? Rows { get; init; }

    [CommandOption("--count <N>")]
    [Description("Samples per row, and real images to compare them with.")]
    [DefaultValue(1000)]
    public int Count { get; init; } = 1000;

    [CommandOption("--batch <N>")]
    [Description("Samples drawn at once (bounds memory).")]
    [DefaultValue(250)]
    public int Batch { get; init; } = 250;

    [CommandOption("--seed <N>")]
    [Description("Seed of the starting noise (the same for every row), the step noise and the choice of real images.")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--out <FILE.json>")]
    [Description("Where to write the figures. Default: sweep.json beside the model folder.")]
    public string? Out { get; init; }
}
