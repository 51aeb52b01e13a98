namespace Diffuse.Tests.Cli;

/// <summary>
/// Every command's --help renders (Spectre reads descriptions as markup: a stray [ breaks it) and exits 0: checked
/// in-process for each command, and once through the real program for its stdout and stderr.
/// </summary>
[Collection(CliProcessCollection.Name)]
public sealed class HelpTests
{
    private static readonly string[] Names = ["train", "sample", "noise", "info", "img2img", "inpaint", "train-classifier", "eval", "invert", "interpolate", "upscale", "bench", "nll", "sweep", "eval-prompts"];

    public static TheoryData<string> Commands() => new(Names);

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_lists_the_options(string command)
    {
        var result = CliInProcess.Run(command, "--help");
        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Contains("OPTIONS:", result.StdOut);
        Assert.Contains("--help", result.StdOut);
        Assert.Equal("", result.StdErr.Trim());
    }

    [Fact]
    public void Top_level_help_names_every_command()
    {
        var result = CliProcess.Run("--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var command in Names) Assert.Contains(command, result.StdOut);
        Assert.Equal("", result.StdErr.Trim());
    }

    /// <summary>The real program's stderr holds the error line and its stdout nothing (the in-process checks use writers).</summary>
    [Fact]
    public void A_bad_option_is_one_line_on_stderr_and_nothing_on_stdout()
    {
        var result = CliProcess.Run("sample", "--frobnicate", "3");
        CliAssert.OneLineError(result, "frobnicate");
        Assert.Equal("", result.StdOut);
        Assert.Equal("error: Unknown option 'frobnicate'.", result.StdErr.TrimEnd());
    }
}
