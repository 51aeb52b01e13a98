using System.Diagnostics;
using System.Text;

namespace Diffuse.Tests.Packaging;

/// <summary>
/// Runs the <c>dotnet</c> driver as a developer would from a shell, for tests that pack, build and run
/// outside the test's own build. Builds run without MSBuild node reuse or the compiler server, so no
/// process outlives the call holding the output pipes open.
/// </summary>
public static class DotnetProcess
{
    public sealed record Result(string Command, int ExitCode, string Output, TimeSpan Elapsed)
    {
        public override string ToString() => $"$ {Command}\n(exit code {ExitCode}, {Elapsed.TotalSeconds:F1} s)\n{Output}";
    }

    /// <param name="environment">variables to set (a null value removes one) on top of this process's own,
    /// less the MSBuild ones the test run's own build leaves behind</param>
    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }

        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var command = $"dotnet {string.Join(' ', args)}   (in {workingDirectory})";
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output) throw new TimeoutException($"did not finish in {timeout.TotalSeconds:F0} s:\n$ {command}\n{output}");
        }
        process.WaitForExit();   // and the last lines of output
        lock (output) return new Result(command, process.ExitCode, output.ToString(), clock.Elapsed);
    }
}
