using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class TrainClassifierSettings : CommandSettings
{
    [CommandOption("--data <PATH>")]
    [Description("Labelled training images: fashion-mnist (the embedded 10,000), an IDX images file with its labels file beside it, or a folder of class subfolders.")]
    [DefaultValue("fashion-mnist")]
    public string Data { get; init; } = "fashion-mnist";

    [CommandOption("--test <PATH>")]
    [Description("Labelled test images, as --data. Default: hold out the last 1000 images of --data (a fifth if it has fewer than 5000).")]
    public string? Test { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Classifier folder to write (config.json, model.safetensors, metrics.json).")]
    [DefaultValue("runs/classifier")]
    public string Out { get; init; } = "runs/classifier";

    [CommandOption("--epochs <N>")]
    [Description("Passes over the training images.")]
    [DefaultValue(5)]
    public int Epochs { get; init; } = 5;

    [CommandOption("--batch <N>")]
    [Description("Images per step.")]
    [DefaultValue(128)]
    public int Batch { get; init; } = 128;

    [CommandOption("--lr <X>")]
    [Description("Learning rate of AdamW.")]
    [DefaultValue(1e-3)]
    public double Lr { get; init; } = 1e-3;

    [CommandOption("--seed <N>")]
    [Description("Seed of the initial weights and of the shuffling.")]
    [DefaultValue(0L)]
    public long Seed { get; init; }
}
