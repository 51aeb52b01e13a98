namespace Diffuse.Benchmarks;

/// <summary>
/// What was measured for one case. Rates are per fastest call (best of n; medians are in the
/// <see cref="TimingStats"/> beside them). FLOP rates count 2 FLOPs per MAC of
/// <see cref="UNetMacs"/>; a training step is taken as 3 forward passes' worth (the backward pass
/// computes one product for the input gradient and one for the weight gradient per forward product).
/// </summary>
public sealed record BenchRow
{
    public required string Case { get; init; }
    public required string Description { get; init; }
    public required string Method { get; init; }
    public required long Parameters { get; init; }
    public required int ImageSize { get; init; }
    public required int Batch { get; init; }
    public required long ForwardMacsPerImage { get; init; }

    public required TimingStats Train { get; init; }
    public double TrainStepsPerSecond => 1000 / Train.MinMs;
    public double TrainImagesPerSecond => Batch * TrainStepsPerSecond;
    public double TrainGflops => 3.0 * 2 * ForwardMacsPerImage * Batch / (Train.MinMs * 1e6);

    public required TimingStats Forward { get; init; }
    public double ForwardImagesPerSecond => Batch * 1000 / Forward.MinMs;
    public double ForwardGflops => 2.0 * ForwardMacsPerImage * Batch / (Forward.MinMs * 1e6);

    /// <summary>The float type timed beside float32 (<see cref="BenchOptions.NarrowDType"/>), or null.</summary>
    public string? NarrowDType { get; init; }
    /// <summary>The training step in <see cref="NarrowDType"/> (bfloat16 mixed precision), interleaved with <see cref="Train"/>.</summary>
    public TimingStats? NarrowTrain { get; init; }
    public double? NarrowTrainGflops => NarrowTrain is null ? null : 3.0 * 2 * ForwardMacsPerImage * Batch / (NarrowTrain.MinMs * 1e6);
    /// <summary>How many times faster the narrow training step is than float32's (best calls).</summary>
    public double? NarrowTrainSpeedup => NarrowTrain is null ? null : Train.MinMs / NarrowTrain.MinMs;
    public TimingStats? NarrowForward { get; init; }
    public double? NarrowForwardGflops => NarrowForward is null ? null : 2.0 * ForwardMacsPerImage * Batch / (NarrowForward.MinMs * 1e6);
    public double? NarrowForwardSpeedup => NarrowForward is null ? null : Forward.MinMs / NarrowForward.MinMs;

    public SamplingResult? Sampling { get; init; }
    public double? SamplingImagesPerSecond => Sampling is null ? null : Batch * 1000 / Sampling.Loop.MinMs;
    public double? SamplingGflops => Sampling is null ? null : 2.0 * ForwardMacsPerImage * Batch / (Sampling.MsPerEvaluation * 1e6);

    public PyTorchReference? PyTorch { get; init; }
}
