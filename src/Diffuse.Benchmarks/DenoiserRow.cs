namespace Diffuse.Benchmarks;

/// <summary>
/// What was measured for one <see cref="DenoiserCase"/>: the time of a denoising step (one network call on the whole
/// batch) and the process's resident memory. Peak RSS during calls = the peak since it was reset right after the model
/// was built (weights + activations of the warm-up and timed calls); the build peak is the peak before that reset (for
/// bfloat16 it includes the float32 model before conversion). Memory figures are null where Linux's /proc is missing.
/// </summary>
public sealed record DenoiserRow
{
    public required string Case { get; init; }
    public required string Description { get; init; }
    public required long Parameters { get; init; }
    public required int LatentSize { get; init; }
    public required int Batch { get; init; }
    public required string DType { get; init; }
    public required double BuildSeconds { get; init; }
    public required TimingStats Step { get; init; }
    public double StepsPerSecond => 1000 / Step.MinMs;
    public required long? RssAfterBuildBytes { get; init; }
    public required long? BuildPeakRssBytes { get; init; }
    public required bool PeakReset { get; init; }
    public required long? PeakRssDuringCallsBytes { get; init; }
}
