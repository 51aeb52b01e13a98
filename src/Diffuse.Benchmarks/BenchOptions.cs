using static TorchSharp.torch;

namespace Diffuse.Benchmarks;

/// <summary>What a bench run measures and how often.</summary>
public sealed record BenchOptions
{
    public IReadOnlyList<string> Cases { get; init; } = BenchCases.Names;
    public int Batch { get; init; } = 64;
    public int Warmups { get; init; } = 2;
    /// <summary>Untimed calls of a Stable Diffusion case (one, as the PyTorch reference makes: each takes seconds).</summary>
    public int DenoiserWarmups { get; init; } = 1;
    /// <summary>Fewest timed calls of a training step or forward pass (6: the fewest with a 95 % interval of the median).</summary>
    public int MinRepeats { get; init; } = 6;
    /// <summary>Most timed calls of a training step or forward pass.</summary>
    public int MaxRepeats { get; init; } = 60;
    /// <summary>Image side of the preset cases (the perf cases are 32×32 by definition).</summary>
    public int PresetSize { get; init; } = 28;
    /// <summary>DDIM steps of a timed sampling loop (preset cases only); 0 skips sampling.</summary>
    public int SamplingSteps { get; init; } = 10;
    /// <summary>Fewest timed sampling loops; each is <see cref="SamplingSteps"/> forward passes, so fewer than the others.</summary>
    public int SamplingMinRepeats { get; init; } = 5;
    public int SamplingMaxRepeats { get; init; } = 8;
    public ScalarType SamplingDType { get; init; } = ScalarType.Float32;
    /// <summary>
    /// A narrower float type whose training step (bfloat16 only: mixed precision) and forward pass are timed beside
    /// float32's, interleaved in the same rounds; null times float32 alone.
    /// </summary>
    public ScalarType? NarrowDType { get; init; }
    /// <summary>Timed rounds after which a piece stops once it has its minimum (warm-ups not counted).</summary>
    public double BudgetSeconds { get; init; } = 170;
    /// <summary>A piece shorter than this gets as many calls a round as fit in it.</summary>
    public double SliceSeconds { get; init; } = 1;
    /// <summary>A piece stops early when its median's 95 % interval is within ± this percentage.</summary>
    public double TargetPercent { get; init; } = 2.5;

    /// <summary>Exactly <paramref name="repeats"/> timed calls of everything: no budget, no early stop.</summary>
    public BenchOptions WithFixedRepeats(int repeats) => this with
    {
        MinRepeats = repeats, MaxRepeats = repeats, SamplingMinRepeats = repeats, SamplingMaxRepeats = repeats,
    };

    public void Validate()
    {
        if (Cases.Count == 0) throw new DiffuseArgumentException("presets", $"must name at least one case");
        foreach (var name in Cases)
            if (!StableDiffusionCases.Contains(name) && !RecipeCases.Contains(name)) BenchCases.Get(name, PresetSize);
        if (Cases.Distinct().Count() != Cases.Count) throw new DiffuseArgumentException("presets", $"names a case twice ({string.Join(",", Cases)})");
        if (Batch <= 0) throw new DiffuseArgumentException("batch", $"must be positive (got {Batch})");
        if (Warmups < 0 || DenoiserWarmups < 0) throw new DiffuseArgumentException("warmup_calls", $"must be 0 or more (got {Math.Min(Warmups, DenoiserWarmups)})");
        if (MinRepeats <= 0 || SamplingMinRepeats <= 0) throw new DiffuseArgumentException("repeats", $"must be positive (got {Math.Min(MinRepeats, SamplingMinRepeats)})");
        if (MaxRepeats < MinRepeats || SamplingMaxRepeats < SamplingMinRepeats)
            throw new DiffuseException("the most repeats must not be fewer than the fewest");
        if (PresetSize < 4) throw new DiffuseArgumentException("size", $"must be at least 4 (got {PresetSize})");
        if (SamplingSteps < 0) throw new DiffuseArgumentException("sampling_steps", $"must be 0 (skip) or positive (got {SamplingSteps})");
        if (!(BudgetSeconds >= 0)) throw new DiffuseArgumentException("budget", $"must be 0 or more seconds (got {BudgetSeconds})");
        if (NarrowDType is ScalarType narrow && narrow is not (ScalarType.BFloat16 or ScalarType.Float16))
            throw new DiffuseArgumentException("dtype", $"the type timed beside float32 must be bfloat16 or float16 (got {narrow})");
        if (!(TargetPercent > 0)) throw new DiffuseException($"the target interval must be positive (got {TargetPercent})");
    }
}
