namespace Diffuse.Benchmarks;

/// <summary>How a case's training step is timed.</summary>
public enum BenchMethod
{
    /// <summary>Diffuse's own <see cref="Training.Trainer"/> step on Fashion-MNIST: AdamW, min-SNR loss, gradient clipping, EMA.</summary>
    Trainer,

    /// <summary>The method of ../shared/perf/pytorch-cpu.md: zero_grad, forward, MSE to a random target, backward, Adam(1e-4) step.</summary>
    PyTorchReference,
}
