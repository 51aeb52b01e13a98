using Diffuse.Models;

namespace Diffuse.Benchmarks;

/// <summary>One network to time: a model preset at an image size, or one of ../shared/perf's configs.</summary>
public sealed record BenchCase(string Name, string Description, UNet2DConfig Config, BenchMethod Method, PyTorchReference? PyTorch)
{
    /// <summary>The preset name for <see cref="BenchMethod.Trainer"/> cases.</summary>
    public string? Preset { get; init; }
}
