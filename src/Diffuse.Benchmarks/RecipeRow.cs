namespace Diffuse.Benchmarks;

/// <summary>One <see cref="RecipeCases"/> recipe's training step, timed interleaved with the others.</summary>
public sealed record RecipeRow
{
    public required string Case { get; init; }
    public required string Preset { get; init; }
    public required string Objective { get; init; }
    public required long Parameters { get; init; }
    public required int Batch { get; init; }
    /// <summary>The float type of the step: float32, or bfloat16 (mixed precision).</summary>
    public string DType { get; init; } = "float32";
    public required TimingStats Train { get; init; }
    public double StepsPerSecond => 1000 / Train.MinMs;
    public double MedianStepsPerSecond => 1000 / Train.MedianMs;
}
