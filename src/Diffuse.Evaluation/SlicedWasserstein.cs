using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// Sliced Wasserstein-1 distance between two point clouds of equal size (Rabin et al. 2011): project
/// both onto random unit directions, where the 1-D optimal transport is just matching sorted values,
/// and average |difference| over points and directions. Zero for identical clouds, and it grows with
/// any difference in shape, spread or position.
/// </summary>
public static class SlicedWasserstein
{
    public static double Distance(Tensor a, Tensor b, int projections = 256, long seed = 0)
    {
        if (a.dim() != 2 || b.dim() != 2 || a.shape[1] != b.shape[1])
            throw new ArgumentException("point clouds must be [N, D] with the same D");
        if (a.shape[0] != b.shape[0]) throw new ArgumentException("point clouds must have the same number of points");
        using var scope = NewDisposeScope();
        using var generator = new Generator().manual_seed(seed);
        var directions = randn([a.shape[1], projections], dtype: float64, generator: generator);
        directions = directions / directions.norm(0, keepdim: true);
        var pa = a.to(float64).matmul(directions).sort(0).Values;
        var pb = b.to(float64).matmul(directions).sort(0).Values;
        return (pa - pb).abs().mean().item<double>();
    }
}
