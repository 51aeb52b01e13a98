using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class EvalSettings : SampleQualitySettings
{
    [CommandOption("--features <NAME>")]
    [Description("Feature network: classifier (the --classifier folder) or inception (pytorch-fid's Inception-v3, from --inception-weights).")]
    [DefaultValue("classifier")]
    public string Features { get; init; } = "classifier";

    [CommandOption("--inception-weights <FILE>")]
    [Description("pytorch-fid's pt_inception-2015-12-05-6726825d.pth (or .safetensors), for --features inception. Never downloaded.")]
    public string? InceptionWeights { get; init; }

    [CommandOption("--sampler <NAME>")]
    [Description("Sampler, as for diffuse sample. Default: the model folder's own.")]
    public string? Sampler { get; init; }

    [CommandOption("--steps <N>")]
    [Description("Denoising steps.")]
    [DefaultValue(50)]
    public int Steps { get; init; } = 50;
}
