using Diffuse.Data;
using static TorchSharp.torch;

namespace Diffuse.Tests.Data;

public sealed class Toy2DTests
{
    [Theory]
    [InlineData("swissroll")]
    [InlineData("moons")]
    [InlineData("gaussians8")]
    [InlineData("checkerboard")]
    public void Each_set_is_centred_with_unit_rms_std_and_reproducible(string name)
    {
        using var a = Toy2D.Sample(name, 20000, new Generator(11));
        using var b = Toy2D.Sample(name, 20000, new Generator(11));

        Assert.Equal(new long[] { 20000, 2 }, a.shape);
        Assert.Equal(ScalarType.Float32, a.dtype);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        var mean = a.mean(dimensions: [0]).data<float>().ToArray();
        Assert.InRange(mean[0], -0.05f, 0.05f);
        Assert.InRange(mean[1], -0.05f, 0.05f);
        var rmsStd = Math.Sqrt(a.var(0).mean().item<float>());
        Assert.InRange(rmsStd, 0.95, 1.05);
    }

    [Fact]
    public void Gaussians8_points_lie_near_their_ring_and_fill_all_eight_modes()
    {
        using var p = Toy2D.Gaussians8(8000, new Generator(2));

        var radius = p.norm(1).data<float>().ToArray();
        Assert.InRange(radius.Average(), 1.39, 1.42);
        Assert.InRange(radius.Min(), 1.0, 1.4);
        Assert.InRange(radius.Max(), 1.4, 1.8);
        var mode = p[.., 1].atan2(p[.., 0]).div(Math.PI / 4).round().remainder(8).data<float>().ToArray();
        for (var k = 0; k < 8; k++) Assert.InRange(mode.Count(m => m == k), 850, 1150);
    }

    [Fact]
    public void Checkerboard_points_fall_in_even_squares_of_a_four_by_four_board()
    {
        using var p = Toy2D.Checkerboard(5000, new Generator(4));

        var cell = p.div(Toy2D.CheckerboardCell).floor().to_type(ScalarType.Int64);
        var sum = cell.sum(1).data<long>().ToArray();
        Assert.All(sum, s => Assert.Equal(0, ((s % 2) + 2) % 2));
        Assert.Equal(-2, cell.min().item<long>());
        Assert.Equal(1, cell.max().item<long>());
    }

    [Fact]
    public void Different_seeds_differ_and_unknown_names_are_DiffuseExceptions()
    {
        using var a = Toy2D.Moons(100, new Generator(1));
        using var b = Toy2D.Moons(100, new Generator(2));

        Assert.NotEqual(a.data<float>().ToArray(), b.data<float>().ToArray());
        Assert.True(Toy2D.IsToyName("swissroll"));
        Assert.False(Toy2D.IsToyName("fashion-mnist"));
        var e = Assert.ThrowsAny<DiffuseException>(() => Toy2D.Sample("spiral", 10, new Generator(1)));
        Assert.Equal("unknown toy data 'spiral': expected one of swissroll, moons, gaussians8, checkerboard", e.Message);
        var none = Assert.ThrowsAny<DiffuseException>(() => Toy2D.Sample("moons", 0, new Generator(1)));
        Assert.Equal("toy data 'moons': number of points must be positive, got 0", none.Message);
    }
}
