using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffuse.Cli;

/// <summary>The `diffuse` command tree; every user-facing failure ends as one red line and exit code 1.</summary>
public static class DiffuseApp
{
    public static int Run(string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("diffuse");
            config.SetExceptionHandler((ex, _) =>
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {OneLine(ex)}");
                return 1;
            });
        });
        return app.Run(args);
    }

    /// <summary>The message a user sees: ours as written, anything else reduced to its first line.</summary>
    public static string OneLine(Exception ex)
    {
        var inner = ex is DiffuseException ? ex : ex.InnerException as DiffuseException ?? ex;
        var text = inner.Message.ReplaceLineEndings(" ").Trim();
        return text.Length == 0 ? inner.GetType().Name : text;
    }
}
