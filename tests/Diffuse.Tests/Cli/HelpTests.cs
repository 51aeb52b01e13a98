namespace Diffuse.Tests.Cli;

/// <summary>Every command's --help renders (Spectre reads descriptions as markup: a stray [ breaks it) and exits 0.</summary>
[Collection(CliProcessCollection.Name)]
public sealed class HelpTests
{
    private static readonly string[] Names = ["train", "sample", "noise", "info", "img2img", "inpaint", "train-classifier", "eval", "invert", "interpolate", "upscale", "bench", "nll", "sweep"];

    public static TheoryData<string> Commands() => new(Names);

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_lists_the_options(string command)
    {
        var result = CliProcess.Run(command, "--help");
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
    }
}
