namespace Diffuse.Benchmarks;

/// <summary>
/// A timed sampling loop: <see cref="Loop"/> is the whole loop of <see cref="Steps"/> network evaluations;
/// per evaluation from the fastest loop (best of n) and from the median one.
/// </summary>
public sealed record SamplingResult(string Sampler, int Steps, string DType, TimingStats Loop)
{
    public double MsPerEvaluation => Loop.MinMs / Steps;
    public double MedianMsPerEvaluation => Loop.MedianMs / Steps;
}
