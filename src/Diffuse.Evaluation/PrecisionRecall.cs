using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// Improved precision and recall (Kynkäänniemi et al. 2019, §3, eqs. 1–3). Each feature of a set, with
/// the ball around it out to its k-th nearest neighbour in the same set (itself excluded), covers part of
/// that set's manifold. Precision is the share of generated features inside some real ball (are the
/// samples realistic?), recall the share of real features inside some generated ball (is the data's
/// variety covered?). The paper and torch-fidelity use k = 3. Distances are Euclidean, in float64,
/// computed <c>batch</c> rows at a time so memory stays bounded; a point on a ball's edge counts as inside,
/// as in torch-fidelity.
/// </summary>
public static class PrecisionRecall
{
    public const int DefaultK = 3;

    /// <summary>Precision of <paramref name="generated"/> against <paramref name="real"/>, and recall, each [N, D].</summary>
    public static (double Precision, double Recall) Between(Tensor real, Tensor generated, int k = DefaultK, int batch = 1000)
    {
        if (real.dim() != 2 || generated.dim() != 2 || real.shape[1] != generated.shape[1])
            throw new ArgumentException("feature sets must be [N, D] with the same D");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (real.shape[0] <= k || generated.shape[0] <= k)
            throw new ArgumentException($"each set needs more than k = {k} features");
        using var scope = NewDisposeScope();
        var r = real.to(float64);
        var g = generated.to(float64);
        var realRadii = NeighbourRadii(r, k, batch);
        var generatedRadii = NeighbourRadii(g, k, batch);
        return (Covered(g, r, realRadii, batch), Covered(r, g, generatedRadii, batch));
    }

    /// <summary>Distance from each row of <paramref name="features"/> to its k-th nearest other row.</summary>
    public static Tensor NeighbourRadii(Tensor features, int k, int batch = 1000)
    {
        using var scope = NewDisposeScope();
        var x = features.to(float64);
        var parts = new List<Tensor>();
        for (long start = 0; start < x.shape[0]; start += batch)
        {
            var rows = x.narrow(0, start, Math.Min(batch, x.shape[0] - start));
            // The smallest distance of a row is to itself (0), so the k-th neighbour is the (k+1)-th smallest.
            var (radius, _) = cdist(rows, x).kthvalue(k + 1, 1, false);
            parts.Add(radius);
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Share of <paramref name="queries"/> within the radius of at least one row of <paramref name="centres"/>.</summary>
    private static double Covered(Tensor queries, Tensor centres, Tensor radii, int batch)
    {
        long inside = 0;
        for (long start = 0; start < queries.shape[0]; start += batch)
        {
            using var step = NewDisposeScope();
            var rows = queries.narrow(0, start, Math.Min(batch, queries.shape[0] - start));
            inside += cdist(rows, centres).le(radii.unsqueeze(0)).any(1, false).sum().item<long>();
        }
        return (double)inside / queries.shape[0];
    }
}
