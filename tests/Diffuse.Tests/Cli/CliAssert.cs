namespace Diffuse.Tests.Cli;

/// <summary>What every bad-input case of the real CLI must look like.</summary>
public static class CliAssert
{
    /// <summary>A non-zero exit, exactly one line of output, no stack trace, and the expected words in it.</summary>
    public static void OneLineError(CliProcess.Result result, string expectedFragment)
    {
        Assert.NotEqual(0, result.ExitCode);
        var lines = result.AllOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got:\n{result.AllOutput}");
        Assert.DoesNotContain("   at ", result.AllOutput);
        Assert.Contains(expectedFragment, result.AllOutput);
    }
}
