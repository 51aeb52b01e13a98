using Diffuse.Cli;
using Spectre.Console.Cli.Testing;
using Spectre.Console.Testing;

namespace Diffuse.Tests.Cli;

/// <summary>
/// Runs `diffuse` inside the test process, without the 0.5–1 s a new process spends loading libtorch: the program's own
/// command tree and error handler (<see cref="DiffuseApp.Configure"/>) in Spectre's <see cref="CommandAppTester"/>.
/// Its test console is the commands' stdout and a string writer is the handler's stderr, so a result reads as one from
/// <see cref="CliProcess"/>: the exit code the program would return, and the `error: …` line it would print.
/// </summary>
/// <remarks>
/// For input checks that fail before or without real work. Signals, the exit codes of real runs, the program's own
/// stdout and stderr, and the models copied beside the program stay with <see cref="CliProcess"/>. A run here loads
/// networks, which draws from libtorch's global generator: classes that use it belong to <see cref="GlobalRngCollection"/>.
/// </remarks>
public static class CliInProcess
{
    public static CliResult Run(params string[] args)
    {
        var stderr = new StringWriter();
        // Not a terminal, as the program's stdout is not one under CliProcess: progress bars fall back to plain lines.
        // 400 columns, as CliProcess sets COLUMNS.
        var console = new TestConsole().Width(400);
        var app = new CommandAppTester(console: console, settings: new CommandAppTesterSettings { TrimConsoleOutput = false });
        app.Configure(config => DiffuseApp.Configure(config, stderr));
        var result = app.Run(args);
        return new CliResult(result.ExitCode, result.Output, stderr.ToString());
    }
}
