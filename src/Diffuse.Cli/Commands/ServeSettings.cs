using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class ServeSettings : CommandSettings
{
    [CommandOption("--models <DIR>")]
    [Description("Folder of models, one a child: diffusers pipeline folders, training runs (their model/), or single-file checkpoints. Default: models/ here, else the models shipped beside the program.")]
    public string? Models { get; init; }

    [CommandOption("--runs <DIR>")]
    [Description("Folder of training runs to watch and start from the page (off without it).")]
    public string? Runs { get; init; }

    [CommandOption("--outputs <DIR>")]
    [Description("Where generated images are kept, each with its settings in a PNG parameters chunk.")]
    [DefaultValue("outputs")]
    public string Outputs { get; init; } = "outputs";

    [CommandOption("--port <N>")]
    [Description("TCP port (0: any free one).")]
    [DefaultValue(Server.StudioHost.DefaultPort)]
    public int Port { get; init; } = Server.StudioHost.DefaultPort;

    [CommandOption("--host <ADDR>")]
    [Description("Address to listen on; 127.0.0.1 (this machine only) unless given. Any other address lets others on the network use the studio.")]
    [DefaultValue("127.0.0.1")]
    public string Host { get; init; } = "127.0.0.1";

    [CommandOption("--queue <N>")]
    [Description("Jobs per model waiting or running; past it a request gets 429 with Retry-After.")]
    [DefaultValue(4)]
    public int Queue { get; init; } = 4;

    public override ValidationResult Validate()
    {
        if (Port is < 0 or > 65535) return ValidationResult.Error($"--port must be 0 to 65535 (got {Port})");
        if (Queue < 1) return ValidationResult.Error($"--queue must be positive (got {Queue})");
        if (Models is not null && !Directory.Exists(Models)) return ValidationResult.Error($"{Models}: --models folder not found");
        return ValidationResult.Success();
    }
}
