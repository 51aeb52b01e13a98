using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class EvalPromptsSettings : CommandSettings
{
    [CommandOption("--model <DIR>")]
    [Description("Text-to-image model folder (a run's model/ or checkpoint-N/, or a pipeline folder).")]
    public string? Model { get; init; }

    [CommandOption("--classifier <DIR>")]
    [Description("Fashion-MNIST classifier folder (from diffuse train-classifier) that names the garment from the brightness.")]
    [DefaultValue("runs/classifier")]
    public string Classifier { get; init; } = "runs/classifier";

    [CommandOption("--prompts <WHICH>")]
    [Description("held-out (the 10 held-out pairs), seen (one seen pair a garment), both (default), all (the 80 pairs), or prompts separated by ';'.")]
    [DefaultValue("both")]
    public string Prompts { get; init; } = "both";

    [CommandOption("--count <N>")]
    [Description("Images a prompt.")]
    [DefaultValue(20)]
    public int Count { get; init; } = 20;

    [CommandOption("--real <DIR>")]
    [Description("Real tinted images with captions (diffuse data fashion-colours --all-pairs on the test set): the measure's ceiling and the Fréchet distance.")]
    public string? Real { get; init; }

    [CommandOption("--guidance-scale <X>")]
    [Description("Classifier-free guidance scale (1 = none).")]
    [DefaultValue(3.0)]
    public double GuidanceScale { get; init; } = 3.0;

    [CommandOption("--sampler <NAME>")]
    [Description("Sampler (ddim, dpm++, euler, ...).")]
    [DefaultValue("ddim")]
    public string Sampler { get; init; } = "ddim";

    [CommandOption("--steps <N>")]
    [Description("Sampling steps.")]
    [DefaultValue(20)]
    public int Steps { get; init; } = 20;

    [CommandOption("--seed <N>")]
    [Description("Seed of the first prompt's noise (prompt i uses seed + 1000·i).")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--out <FILE>")]
    [Description("Write the figures as JSON.")]
    public string? Out { get; init; }

    [CommandOption("--grid <FILE>")]
    [Description("Also write a PNG grid: one row a prompt (in order), its first 8 images.")]
    public string? Grid { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description(ModelOptions.DeviceHelp)]
    public string? Device { get; init; }
}
