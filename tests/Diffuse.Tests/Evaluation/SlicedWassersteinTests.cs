using Diffuse.Evaluation;
using static TorchSharp.torch;

namespace Diffuse.Tests.Evaluation;

public sealed class SlicedWassersteinTests
{
    [Fact]
    public void Identical_clouds_are_at_distance_zero_even_when_shuffled()
    {
        using var a = randn(500, 2, generator: new Generator().manual_seed(1));
        using var shuffled = a.index_select(0, randperm(500, generator: new Generator().manual_seed(2)));
        Assert.Equal(0.0, SlicedWasserstein.Distance(a, shuffled), 9);
    }

    [Fact]
    public void A_shift_by_d_along_x_costs_the_mean_absolute_projection_of_d()
    {
        // Shifting every point by (d, 0) shifts each projection onto u by d·u_x, so W1 = d·E|u_x|,
        // and for a uniform direction on the circle E|cos θ| = 2/π.
        using var a = randn(2000, 2, generator: new Generator().manual_seed(3));
        using var b = a + tensor(new float[] { 0.5f, 0f });
        Assert.Equal(0.5 * 2 / Math.PI, SlicedWasserstein.Distance(a, b, projections: 4096), 2);
    }
}
