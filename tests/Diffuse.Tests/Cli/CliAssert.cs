namespace Diffuse.Tests.Cli;

/// <summary>What every bad-input case of the CLI must look like, whether run as a process or in-process.</summary>
public static class CliAssert
{
    /// <summary>
    /// Exit code 1 and exactly one line of output, on stderr: "error: " and the expected words, no stack trace.
    /// </summary>
    public static void OneLineError(CliResult result, string expectedFragment)
    {
        Assert.True(result.ExitCode == 1, $"expected exit code 1, got {result.ExitCode}:\n{result.AllOutput}");
        var lines = result.AllOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got:\n{result.AllOutput}");
        Assert.StartsWith("error: ", result.StdErr);
        Assert.DoesNotContain("   at ", result.AllOutput);
        Assert.Contains(expectedFragment, result.AllOutput);
    }
}
