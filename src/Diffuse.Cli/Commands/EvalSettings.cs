using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class EvalSettings : CommandSettings
{
    [CommandOption("--model <DIR>")]
    [Description("Model folder to sample from (as for diffuse sample). " + DefaultModel.Help)]
    public string? Model { get; init; }

    [CommandOption("--features <NAME>")]
    [Description("Feature network: classifier (the --classifier folder) or inception (pytorch-fid's Inception-v3, from --inception-weights).")]
    [DefaultValue("classifier")]
    public string Features { get; init; } = "classifier";

    [CommandOption("--classifier <DIR>")]
    [Description("Classifier folder from diffuse train-classifier, for --features classifier.")]
    [DefaultValue("runs/classifier")]
    public string Classifier { get; init; } = "runs/classifier";

    [CommandOption("--inception-weights <FILE>")]
    [Description("pytorch-fid's pt_inception-2015-12-05-6726825d.pth (or .safetensors), for --features inception. Never downloaded.")]
    public string? InceptionWeights { get; init; }

    [CommandOption("--data <PATH>")]
    [Description("Real images to compare with: fashion-mnist (embedded), an IDX images file or an image folder.")]
    [DefaultValue("fashion-mnist")]
    public string Data { get; init; } = "fashion-mnist";

    [CommandOption("--sampler <NAME>")]
    [Description("Sampler, as for diffuse sample. Default: the model folder's own.")]
    public string? Sampler { get; init; }

    [CommandOption("--steps <N>")]
    [Description("Denoising steps.")]
    [DefaultValue(50)]
    public int Steps { get; init; } = 50;

    [CommandOption("--count <N>")]
    [Description("Samples to draw, and real images to compare them with.")]
    [DefaultValue(1000)]
    public int Count { get; init; } = 1000;

    [CommandOption("--batch <N>")]
    [Description("Samples drawn at once (bounds memory).")]
    [DefaultValue(250)]
    public int Batch { get; init; } = 250;

    [CommandOption("--seed <N>")]
    [Description("Seed of the sampling noise and of the choice of real images.")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--out <FILE.json>")]
    [Description("Where to write the figures. Default: eval.json beside the model folder.")]
    public string? Out { get; init; }
}
