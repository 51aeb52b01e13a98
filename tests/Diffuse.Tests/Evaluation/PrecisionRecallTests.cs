using Diffuse.Evaluation;
using static TorchSharp.torch;

namespace Diffuse.Tests.Evaluation;

public sealed class PrecisionRecallTests
{
    [Fact]
    public void Radii_are_the_distance_to_the_kth_other_point()
    {
        // {0, 1, 3, 4}: the 3rd nearest other point of 0 is 4 (distance 4), of 1 is 4 (3), of 3 is 0 (3), of 4 is 0 (4).
        using var x = Column(0, 1, 3, 4);
        using var radii = PrecisionRecall.NeighbourRadii(x, k: 3);
        Assert.Equal(new[] { 4.0, 3, 3, 4 }, radii.data<double>().ToArray());
    }

    [Fact]
    public void A_hand_computed_one_dimensional_case_with_k_1_matches()
    {
        // real {0, 1, 3, 4}: every nearest neighbour is at 1, so each real ball has radius 1.
        // generated {0.5, 1.5, 6, 7}: radii 1 as well.
        // Precision: 0.5 and 1.5 lie within 1 of a real point, 6 and 7 do not (nearest real is 4) → 2/4.
        // Recall: 0 and 1 lie within 1 of 0.5; 3 is 1.5 from 1.5 and 4 is 2 from 6 → 2/4.
        using var real = Column(0, 1, 3, 4);
        using var generated = Column(0.5, 1.5, 6, 7);
        var (precision, recall) = PrecisionRecall.Between(real, generated, k: 1);
        Assert.Equal(0.5, precision);
        Assert.Equal(0.5, recall);
    }

    [Fact]
    public void A_point_on_the_edge_of_a_ball_counts_as_inside()
    {
        // real {0, 1} with k = 1: both radii 1; 2 is exactly 1 from the real point 1, 2.5 is 1.5 away.
        using var real = Column(0, 1);
        using var generated = Column(2, 2.5);
        Assert.Equal(0.5, PrecisionRecall.Between(real, generated, k: 1).Precision);
    }

    [Fact]
    public void Identical_sets_have_precision_and_recall_1()
    {
        using var generator = new Generator().manual_seed(5);
        using var x = randn(300, 8, generator: generator);
        var (precision, recall) = PrecisionRecall.Between(x, x.clone());
        Assert.Equal(1.0, precision);
        Assert.Equal(1.0, recall);
    }

    [Fact]
    public void Disjoint_far_apart_clusters_have_precision_and_recall_0()
    {
        using var generator = new Generator().manual_seed(6);
        using var real = randn(200, 4, generator: generator);
        using var generated = randn(150, 4, generator: generator) + 100;
        var (precision, recall) = PrecisionRecall.Between(real, generated);
        Assert.Equal(0.0, precision);
        Assert.Equal(0.0, recall);
    }

    [Fact]
    public void Random_sets_match_explicit_loops_whatever_the_batch()
    {
        var random = new Random(8);
        var real = RandomRows(random, 60, 5, 0);
        var generated = RandomRows(random, 50, 5, 0.4);
        var (expectedPrecision, expectedRecall) = LoopPrecisionRecall(real, generated, 3);
        Assert.InRange(expectedPrecision, 0.05, 0.95);          // neither trivial case
        Assert.InRange(expectedRecall, 0.05, 0.95);
        using var r = FromRows(real);
        using var g = FromRows(generated);
        foreach (int batch in new[] { 7, 1000 })
        {
            var (precision, recall) = PrecisionRecall.Between(r, g, k: 3, batch: batch);
            Assert.Equal(expectedPrecision, precision);
            Assert.Equal(expectedRecall, recall);
        }
    }

    /// <summary>Kynkäänniemi et al. 2019, eqs. 1–3, written as loops over points in plain doubles.</summary>
    private static (double Precision, double Recall) LoopPrecisionRecall(double[][] real, double[][] generated, int k)
    {
        static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (p, q) => (p - q) * (p - q)).Sum());
        static double[] Radii(double[][] set, int k) =>
            set.Select((p, i) => set.Where((_, j) => j != i).Select(q => Distance(p, q)).OrderBy(d => d).ElementAt(k - 1)).ToArray();
        static double Share(double[][] queries, double[][] centres, double[] radii) =>
            queries.Count(q => centres.Where((c, j) => Distance(q, c) <= radii[j]).Any()) / (double)queries.Length;
        return (Share(generated, real, Radii(real, k)), Share(real, generated, Radii(generated, k)));
    }

    private static double[][] RandomRows(Random random, int rows, int columns, double offset) =>
        Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, columns).Select(_ => offset + random.NextDouble()).ToArray()).ToArray();

    private static Tensor FromRows(double[][] rows) => tensor(rows.SelectMany(r => r).ToArray()).reshape(rows.Length, rows[0].Length);

    private static Tensor Column(params double[] values) => tensor(values).reshape(values.Length, 1);
}
