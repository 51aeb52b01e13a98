using System.Text;
using Diffuse.Data;
using static TorchSharp.torch;

namespace Diffuse.Tests.Data;

public sealed class CaptionedFolderLoaderTests
{
    private static void Png(string path, float level)
    {
        using var image = full([1, 3, 4, 4], level);
        ImageGrid.SavePng(image, path, columns: 1, padding: 0);
    }

    private static string Folder(TempFolder temp, params string[] lines)
    {
        Png(temp.File("a.png"), 0.5f);
        Png(temp.File("b.png"), -0.5f);
        File.WriteAllText(temp.File(CaptionedFolderLoader.MetadataFile), string.Join("\n", lines) + "\n");
        return temp.Path;
    }

    [Fact]
    public void Metadata_jsonl_gives_images_and_captions_in_line_order()
    {
        using var temp = new TempFolder();
        var folder = Folder(temp, """{"file_name": "b.png", "text": "dark"}""", "", """{"file_name": "a.png", "text": "light", "extra": 1}""");
        using var loaded = CaptionedFolderLoader.Load(folder);
        Assert.Equal(["dark", "light"], loaded.Captions);
        Assert.Equal([2L, 3, 4, 4], loaded.Images.Data.shape);
        Assert.Equal(-0.5f, loaded.Images.Data[0, 0, 0, 0].item<float>(), 2);
        Assert.Equal(0.5f, loaded.Images.Data[1, 0, 0, 0].item<float>(), 2);
    }

    [Fact]
    public void A_caption_beside_each_image_works_without_metadata()
    {
        using var temp = new TempFolder();
        Png(temp.File("a.png"), 0.5f);
        Png(temp.File("b.png"), -0.5f);
        File.WriteAllText(temp.File("a.txt"), "light\n");
        File.WriteAllText(temp.File("b.txt"), "dark");
        using var loaded = CaptionedFolderLoader.Load(temp.Path);
        Assert.Equal(["light", "dark"], loaded.Captions);
    }

    [Theory]
    [InlineData("""{"file_name": "missing.png", "text": "x"}""", "line 2: image 'missing.png' not found")]
    [InlineData("""{"file_name": "b.png", "text": "  "}""", "line 2: the caption (text) of 'b.png' is empty")]
    [InlineData("""{"file_name": "b.png"}""", "line 2: \"text\" is missing or not a string")]
    [InlineData("""{"file_name": "b.png", "text": """, "line 2: not valid JSON")]
    [InlineData("""{"file_name": "notes.png", "text": "x"}""", "line 2: ")]
    public void A_bad_line_stops_the_load_naming_it(string secondLine, string expected)
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("notes.png"), "this is not an image");
        var folder = Folder(temp, """{"file_name": "a.png", "text": "light"}""", secondLine);
        var error = Assert.Throws<DiffuseException>(() => CaptionedFolderLoader.Load(folder));
        Assert.Contains(CaptionedFolderLoader.MetadataFile + " " + expected, error.Message);
        Assert.DoesNotContain("\n", error.Message);
        if (secondLine.Contains("notes.png")) Assert.Contains("not a readable PNG or JPEG", error.Message);
    }

    [Fact]
    public void A_line_that_is_not_utf8_is_named()
    {
        using var temp = new TempFolder();
        var folder = Folder(temp, """{"file_name": "a.png", "text": "light"}""");
        var bad = Encoding.UTF8.GetBytes("{\"file_name\": \"b.png\", \"text\": \"caf").Concat(new byte[] { 0xE9, (byte)'"', (byte)'}', (byte)'\n' });
        File.AppendAllText(temp.File(CaptionedFolderLoader.MetadataFile), "");
        using (var stream = File.Open(temp.File(CaptionedFolderLoader.MetadataFile), FileMode.Append)) stream.Write(bad.ToArray());
        var error = Assert.Throws<DiffuseException>(() => CaptionedFolderLoader.Load(folder));
        Assert.Contains("line 2: not valid UTF-8", error.Message);
    }
}
