namespace Diffuse.Evaluation;

/// <summary>The mean of per-item values and its standard error s/√n (s the sample standard deviation; NaN for one item).</summary>
public readonly record struct MeanWithError(double Mean, double StandardError)
{
    public static MeanWithError Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        double mean = values.Average();
        if (values.Count == 1) return new MeanWithError(mean, double.NaN);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return new MeanWithError(mean, Math.Sqrt(variance / values.Count));
    }
}
