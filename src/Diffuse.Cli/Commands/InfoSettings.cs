using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class InfoSettings : CommandSettings
{
    [CommandArgument(0, "[MODEL_DIR]")]
    [Description("Model folder (a run's model/ or checkpoint-N/, or a diffusers pipeline folder). " + DefaultModel.Help)]
    public string? Model { get; init; }
}
