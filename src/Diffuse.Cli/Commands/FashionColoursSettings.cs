using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class FashionColoursSettings : CommandSettings
{
    [CommandOption("--out <DIR>")]
    [Description("Folder to write: one PNG per image and metadata.jsonl ({\"file_name\": ..., \"text\": ...} a line). Replaced whole if it exists.")]
    [DefaultValue("data/fashion-colours")]
    public string Out { get; init; } = "data/fashion-colours";

    [CommandOption("--data <PATH>")]
    [Description("Grey source images: fashion-mnist (the embedded 10,000) or an IDX images file with its labels file beside it.")]
    [DefaultValue("fashion-mnist")]
    public string Data { get; init; } = "fashion-mnist";

    [CommandOption("--seed <N>")]
    [Description("Seed of the colour each image gets.")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--all-pairs")]
    [Description("Also use the 10 held-out colour–garment pairs (a test set). Without it they are left out (the training split).")]
    public bool AllPairs { get; init; }

    [CommandOption("--count <N>")]
    [Description("Only the first N images (default: all).")]
    public int? Count { get; init; }
}
