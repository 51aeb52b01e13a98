using Diffuse.Data;
using static TorchSharp.torch;

namespace Diffuse.Tests.Data;

public sealed class ComparisonGridTests
{
    [Fact]
    public void Low_resolution_pixels_are_shown_as_scale_by_scale_blocks()
    {
        using var low = tensor(new float[] { 1, 2, 3, 4 }).view(1, 1, 2, 2);
        using var blocks = ComparisonGrid.Blocks(low, 2);
        var expected = new float[] { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 };
        Assert.Equal(new long[] { 1, 1, 4, 4 }, blocks.shape);
        Assert.Equal(expected, blocks.data<float>().ToArray());
    }

    [Fact]
    public void Each_image_gets_one_panel_per_version_and_the_grid_has_groups_per_row_times_panels_columns()
    {
        using var temp = new TempFolder();
        var path = temp.File("grid.png");
        using var a = full([3, 1, 4, 4], -1f);
        using var b = ones(3, 1, 4, 4);
        ComparisonGrid.SavePng([a, b], path, groupsPerRow: 2, scale: 1);
        // 3 images × 2 panels, 4 columns (2 groups of 2): 2 rows of 4-pixel cells with 2-pixel padding.
        using var image = PngFixture.Read(path);
        Assert.Equal((4 * 6 + 2, 2 * 6 + 2), (image.Width, image.Height));
        // Row 0: image 0's black panel, then its white panel.
        Assert.Equal(0, image.GetPixel(2, 2).Red);
        Assert.Equal(255, image.GetPixel(8, 2).Red);
    }
}
