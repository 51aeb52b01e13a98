namespace Diffuse.Tests.Cli;

/// <summary>What one `diffuse` run left behind: its exit code and what it wrote to stdout and to stderr.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public string AllOutput => (StdOut + StdErr).Trim();
}
