using Diffuse.Data;
using static TorchSharp.torch;

namespace Diffuse.Tests.Data;

public sealed class FashionColoursTests
{
    [Theory]
    [InlineData(0, 1, 0, 0)]
    [InlineData(30, 1, 0.5, 0)]
    [InlineData(60, 1, 1, 0)]
    [InlineData(120, 0, 1, 0)]
    [InlineData(180, 0, 1, 1)]
    [InlineData(240, 0, 0, 1)]
    [InlineData(270, 0.5, 0, 1)]
    [InlineData(320, 1, 0, 2.0 / 3)]
    public void Hue_at_full_saturation_and_value_has_the_closed_form_rgb(double hue, double r, double g, double b)
    {
        var rgb = FashionColours.HueRgb(hue);
        Assert.Equal(r, rgb.R, 12);
        Assert.Equal(g, rgb.G, 12);
        Assert.Equal(b, rgb.B, 12);
    }

    [Fact]
    public void Tinting_scales_the_hue_by_the_grey_level_on_black()
    {
        // Grey levels 0, 0.5 and 1 (in [−1, 1]: −1, 0, 1), tinted orange (30°) and purple (270°).
        var grey = tensor(new float[] { -1, 0, 1, -1, 0, 1 }, [2, 1, 1, 3]);
        using var tinted = FashionColours.Tint(grey, [1, 6]);
        var unit = tinted.add(1).div(2).data<float>().ToArray();
        float[] expected =
        [
            0, 0.5f, 1,   0, 0.25f, 0.5f,   0, 0, 0,        // orange: R = v, G = v/2, B = 0
            0, 0.25f, 0.5f,   0, 0, 0,   0, 0.5f, 1,        // purple: R = v/2, G = 0, B = v
        ];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], unit[i], 6);
    }

    [Fact]
    public void The_training_split_never_holds_a_held_out_pair_and_is_the_same_for_a_seed()
    {
        var labels = Enumerable.Range(0, 2000).Select(i => (long)(i % 10)).ToArray();
        var colours = FashionColours.AssignColours(labels, seed: 3, allPairs: false);
        Assert.Equal(colours, FashionColours.AssignColours(labels, seed: 3, allPairs: false));
        Assert.NotEqual(colours, FashionColours.AssignColours(labels, seed: 4, allPairs: false));
        Assert.DoesNotContain(Enumerable.Range(0, labels.Length), i => FashionColours.IsHeldOut(colours[i], (int)labels[i]));
        // Every one of the 70 seen pairs occurs; with all pairs, all 80 do.
        Assert.Equal(70, labels.Zip(colours).Distinct().Count());
        var all = FashionColours.AssignColours(labels, seed: 3, allPairs: true);
        Assert.Equal(80, labels.Zip(all).Distinct().Count());
    }

    [Fact]
    public void Held_out_pairs_are_one_per_garment_and_captions_parse_back()
    {
        Assert.Equal(10, FashionColours.HeldOut.Select(p => p.Garment).Distinct().Count());
        Assert.True(FashionColours.IsHeldOut(7, 9));   // a pink ankle boot
        Assert.Equal("a pink ankle boot", FashionColours.Caption(7, 9));
        Assert.Equal((5, 0), FashionColours.Parse("a blue t-shirt"));
        Assert.Null(FashionColours.Parse("a blue hat"));
    }

    [Fact]
    public void The_written_folder_holds_the_tinted_images_and_their_captions()
    {
        using var temp = new TempFolder();
        var folder = temp.File("colours");
        Assert.Equal(30, FashionColoursWriter.Write(DatasetLoader.FashionMnist, folder, seed: 0, allPairs: false, limit: 30));
        using var written = CaptionedFolderLoader.Load(folder);
        using var source = DatasetLoader.Load(DatasetLoader.FashionMnist, 28);
        var labels = source.Labels!.narrow(0, 0, 30).data<long>().ToArray();
        var colours = FashionColours.AssignColours(labels, 0, allPairs: false);
        Assert.Equal(labels.Select((g, i) => FashionColours.Caption(colours[i], (int)g)), written.Captions);
        using var expected = FashionColours.Tint(source.Data.narrow(0, 0, 30), colours);
        // PNG stores bytes: within half a step of 1/255 after the [−1, 1] mapping.
        Assert.True(written.Images.Data.sub(expected).abs().max().item<float>() <= 1.01f / 255);
    }
}
