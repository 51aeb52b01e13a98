using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>
/// The 2-D toy distributions used to check diffusion samplers by eye (FFJORD, Grathwohl et al.
/// 2019; the DDPM/score-matching tutorials): float32 [N,2] tensors, centred, scaled so the RMS of
/// the two per-axis standard deviations is about 1 (shapes keep their aspect ratio), drawn from a
/// seeded generator so a run is reproducible.
/// </summary>
public static class Toy2D
{
    public static readonly IReadOnlyList<string> Names = ["swissroll", "moons", "gaussians8", "checkerboard"];

    /// <summary>Radius of the ring of <see cref="Gaussians8"/> modes and each mode's std; chosen so
    /// the per-axis variance R²/2 + σ² is 0.99.</summary>
    public const double Gaussians8Radius = 1.4, Gaussians8Std = 0.1;

    /// <summary>Side of one <see cref="Checkerboard"/> square: a 4×4 board of side 4·√3/2 is uniform
    /// on [−√3, √3] per axis, which has std exactly 1.</summary>
    public static readonly double CheckerboardCell = Math.Sqrt(3) / 2;

    public static bool IsToyName(string name) => Names.Contains(name);

    public static Tensor Sample(string name, int n, Generator gen)
    {
        if (n < 1) throw new DiffuseException($"toy data '{name}': number of points must be positive, got {n}");
        return Generate(name, n, gen);
    }

    private static Tensor Generate(string name, int n, Generator gen) => name switch
    {
        "swissroll" => SwissRoll(n, gen),
        "moons" => Moons(n, gen),
        "gaussians8" => Gaussians8(n, gen),
        "checkerboard" => Checkerboard(n, gen),
        _ => throw new DiffuseException($"unknown toy data '{name}': expected one of {string.Join(", ", Names)}"),
    };

    /// <summary>sklearn's <c>make_swiss_roll</c> seen from above: t ~ U[1.5π, 4.5π],
    /// (t cos t, t sin t) + N(0, 0.5²), centred on its exact mean (2, 2/(3π)) and divided by 6.8.</summary>
    public static Tensor SwissRoll(int n, Generator gen)
    {
        using var scope = NewDisposeScope();
        var t = rand(n, generator: gen).mul(2).add(1).mul(1.5 * Math.PI);
        var curve = stack([t * t.cos() - 2, t * t.sin() - 2 / (3 * Math.PI)], 1);
        var points = (curve + randn(n, 2, generator: gen) * 0.5) / 6.8;
        return points.MoveToOuterDisposeScope();
    }

    /// <summary>sklearn's <c>make_moons</c> with noise 0.1: half the points on the upper unit
    /// half-circle, half on the lower one shifted to (1, 0.5); centred on (0.5, 0.25), divided by 0.71.</summary>
    public static Tensor Moons(int n, Generator gen)
    {
        using var scope = NewDisposeScope();
        var theta = rand(n, generator: gen).mul(Math.PI);
        var upper = rand(n, generator: gen).lt(0.5).unsqueeze(1);
        var outer = stack([theta.cos(), theta.sin()], 1);
        var inner = stack([1 - theta.cos(), 0.5 - theta.sin()], 1);
        var points = where(upper, outer, inner) + randn(n, 2, generator: gen) * 0.1;
        return ((points - tensor(new[] { 0.5f, 0.25f })) / 0.71).MoveToOuterDisposeScope();
    }

    /// <summary>Eight Gaussians of std 0.1 at equal angles on a circle of radius 1.4.</summary>
    public static Tensor Gaussians8(int n, Generator gen)
    {
        using var scope = NewDisposeScope();
        var angle = randint(8, [n], ScalarType.Int64, generator: gen).to_type(ScalarType.Float32).mul(Math.PI / 4);
        var centres = stack([angle.cos(), angle.sin()], 1) * Gaussians8Radius;
        var points = centres + randn(n, 2, generator: gen) * Gaussians8Std;
        return points.MoveToOuterDisposeScope();
    }

    /// <summary>FFJORD's checkerboard: uniform over the 8 squares of a 4×4 board whose cell
    /// indices (⌊x/c⌋, ⌊y/c⌋) have an even sum.</summary>
    public static Tensor Checkerboard(int n, Generator gen)
    {
        using var scope = NewDisposeScope();
        var x = rand(n, generator: gen).mul(4).sub(2);
        var row = randint(2, [n], ScalarType.Int64, generator: gen).to_type(ScalarType.Float32).mul(2);
        var y = rand(n, generator: gen) - row + x.floor().remainder(2);
        return (stack([x, y], 1) * CheckerboardCell).MoveToOuterDisposeScope();
    }
}
