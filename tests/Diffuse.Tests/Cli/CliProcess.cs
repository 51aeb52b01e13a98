using System.Diagnostics;

namespace Diffuse.Tests.Cli;

/// <summary>Runs the real `diffuse` program (the built Diffuse.Cli.dll) as a user would, capturing its output.</summary>
public static class CliProcess
{
    public static CliResult Run(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Diffuse.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "400";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"diffuse {string.Join(' ', args)} did not finish in 120 s");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
