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

    public SamplingResult? Sampling { get; init; }
    public double? SamplingImagesPerSecond => Sampling is null ? null : Batch * 1000 / Sampling.Loop.MinMs;
    public double? SamplingGflops => Sampling is null ? null : 2.0 * ForwardMacsPerImage * Batch / (Sampling.MsPerEvaluation * 1e6);

    public PyTorchReference? PyTorch { get; init; }
}
