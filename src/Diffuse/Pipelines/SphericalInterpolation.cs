using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// Spherical linear interpolation (Shoemake 1985) between two noise tensors, each taken as one vector, as DDIM latent
/// interpolation uses it (Song et al. 2021, §5.3): Gaussian noise of dimension d lies near the sphere of radius √d, and a
/// straight line between two such points cuts inside it (the midpoint of orthogonal ones has norm √d/√2), where the
/// model never saw its inputs.
/// </summary>
public static class SphericalInterpolation
{
    /// <summary>|cos θ| above this counts as parallel: sin θ is too small to divide by, and the arc is a line anyway.</summary>
    public const double ParallelThreshold = 0.9995;

    /// <summary>sin((1 − t)θ)/sin θ · a + sin(tθ)/sin θ · b, θ the angle between a and b; t = 0 and t = 1 return a and b exactly.</summary>
    public static Tensor Slerp(Tensor a, Tensor b, double t)
    {
        if (!a.shape.SequenceEqual(b.shape))
            throw new DiffuseException($"slerp: shapes [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}] differ");
        using var scope = NewDisposeScope();
        var a64 = a.to(float64);
        var b64 = b.to(float64);
        double cos = (a64 * b64).sum().item<double>() / (a64.norm().item<double>() * b64.norm().item<double>());
        Tensor result;
        if (!(Math.Abs(cos) <= ParallelThreshold))
            result = (1 - t) * a64 + t * b64;   // nearly parallel, or a zero vector (cos is NaN): lerp
        else
        {
            double theta = Math.Acos(cos), sin = Math.Sin(theta);
            result = Math.Sin((1 - t) * theta) / sin * a64 + Math.Sin(t * theta) / sin * b64;
        }
        return result.to(a.dtype).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="frames"/> ≥ 2 points at t = i/(frames − 1), stacked along a new first dimension: a, …, b.</summary>
    public static Tensor Frames(Tensor a, Tensor b, int frames)
    {
        if (frames < 2) throw new DiffuseArgumentException("frames", $"must be at least 2, the two ends (got {frames})");
        using var scope = NewDisposeScope();
        var points = Enumerable.Range(0, frames).Select(i => Slerp(a, b, (double)i / (frames - 1))).ToArray();
        return stack(points).MoveToOuterDisposeScope();
    }
}
