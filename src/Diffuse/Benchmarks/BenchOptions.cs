using static TorchSharp.torch;

namespace Diffuse.Benchmarks;

/// <summary>What a bench run measures and how often.</summary>
public sealed record BenchOptions
{
    public IReadOnlyList<string> Cases { get; init; } = BenchCases.Names;
    public int Batch { get; init; } = 64;
    public int Warmups { get; init; } = 3;
    public int Repeats { get; init; } = 10;
    /// <summary>Image side of the preset cases (the perf cases are 32×32 by definition).</summary>
    public int PresetSize { get; init; } = 28;
    /// <summary>DDIM steps of a timed sampling loop (preset cases only); 0 skips sampling.</summary>
    public int SamplingSteps { get; init; } = 10;
    /// <summary>Timed sampling loops; each is <see cref="SamplingSteps"/> forward passes, so fewer than <see cref="Repeats"/>.</summary>
    public int SamplingRepeats { get; init; } = 3;
    public ScalarType SamplingDType { get; init; } = ScalarType.Float32;

    public void Validate()
    {
        if (Cases.Count == 0) throw new DiffuseException("--presets must name at least one case");
        foreach (var name in Cases) BenchCases.Get(name, PresetSize);
        if (Batch <= 0) throw new DiffuseException($"--batch must be positive (got {Batch})");
        if (Warmups < 0) throw new DiffuseException($"--warmup must be 0 or more (got {Warmups})");
        if (Repeats <= 0) throw new DiffuseException($"--repeats must be positive (got {Repeats})");
        if (PresetSize < 4) throw new DiffuseException($"--size must be at least 4 (got {PresetSize})");
        if (SamplingSteps < 0) throw new DiffuseException($"--sampling-steps must be 0 (skip) or positive (got {SamplingSteps})");
        if (SamplingRepeats <= 0) throw new DiffuseException($"sampling repeats must be positive (got {SamplingRepeats})");
    }
}
