using Diffuse.Data;

namespace Diffuse.Tests.Cli;

/// <summary>
/// Bad captioned data stops `diffuse train --task text-to-image` and `--task autoencoder` with one line naming the line
/// or file, before anything is trained; a bad option of the new commands likewise (run in-process).
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class TextToImageCliTests
{
    private static string Captioned(TempFolder temp, string secondLine)
    {
        var folder = temp.File("data");
        Directory.CreateDirectory(folder);
        using (var image = TorchSharp.torch.zeros(1, 3, 8, 8)) ImageGrid.SavePng(image, Path.Combine(folder, "a.png"), columns: 1, padding: 0);
        File.WriteAllText(Path.Combine(folder, "notes.png"), "not an image");
        File.WriteAllText(Path.Combine(folder, CaptionedFolderLoader.MetadataFile), "{\"file_name\": \"a.png\", \"text\": \"a red bag\"}\n" + secondLine + "\n");
        return folder;
    }

    [Theory]
    [InlineData("{\"file_name\": \"gone.png\", \"text\": \"a red bag\"}", "line 2: image 'gone.png' not found")]
    [InlineData("{\"file_name\": \"a.png\", \"text\": \"\"}", "line 2: the caption (text) of 'a.png' is empty")]
    [InlineData("{\"file_name\": \"notes.png\", \"text\": \"a red bag\"}", "line 2: ")]
    public void Bad_metadata_stops_text_to_image_training_naming_the_line(string line, string expected)
    {
        using var temp = new TempFolder();
        var data = Captioned(temp, line);
        var run = temp.File("run");
        CliAssert.OneLineError(CliInProcess.Run("train", "--task", "text-to-image", "--data", data, "--out", run, "--steps", "1"), expected);
        Assert.False(Directory.Exists(Path.Combine(run, "checkpoint-000001")));
    }

    [Fact]
    public void A_folder_without_captions_is_refused_for_text_to_image()
    {
        using var temp = new TempFolder();
        CliAssert.OneLineError(CliInProcess.Run("train", "--task", "text-to-image", "--data", temp.Path, "--out", temp.File("run")),
                               "--data '" + temp.Path + "' is not a captioned image folder");
    }

    [Fact]
    public void Data_fashion_colours_help_renders()
    {
        var result = CliInProcess.Run("data", "fashion-colours", "--help");
        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Contains("--all-pairs", result.StdOut);
    }

    [Fact]
    public void Options_of_the_new_commands_are_checked()
    {
        using var temp = new TempFolder();
        CliAssert.OneLineError(CliInProcess.Run("train", "--data", "moons", "--vae", temp.Path, "--out", temp.File("run")), "--vae applies to the text-to-image task only");
        CliAssert.OneLineError(CliInProcess.Run("data", "fashion-colours", "--count", "0", "--out", temp.File("c")), "--count must be positive");
        CliAssert.OneLineError(CliInProcess.Run("eval-prompts", "--prompts", "a blue hat", "--classifier", temp.Path), "--prompts: 'a blue hat' is not");
    }
}
