namespace Diffuse.Benchmarks;

/// <summary>
/// PyTorch 1.13 + diffusers 0.31 medians for the same UNet on the same kind of 2-core machine, from
/// ../shared/perf/pytorch-cpu.md (OpenBLAS, batch 64, median of 10 after 3 warm-ups; two full runs).
/// </summary>
public sealed record PyTorchReference(double[] TrainStepMs, double[] ForwardMs);
