namespace Diffuse.Benchmarks;

/// <summary>A timed sampling loop: <see cref="Loop"/> is the whole loop of <see cref="Steps"/> network evaluations.</summary>
public sealed record SamplingResult(string Sampler, int Steps, string DType, TimingStats Loop)
{
    public double MsPerEvaluation => Loop.MedianMs / Steps;
}
