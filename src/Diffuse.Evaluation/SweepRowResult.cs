using System.Text.Json.Serialization;

namespace Diffuse.Evaluation;

/// <summary>What one row of a sampler sweep measured.</summary>
public sealed record SweepRowResult
{
    [JsonPropertyName("sampler")] public string Sampler { get; init; } = "";
    [JsonPropertyName("steps")] public int Steps { get; init; }
    /// <summary>Network evaluations per image, counted (Heun takes 2N − 1 for N steps, as diffusers counts).</summary>
    [JsonPropertyName("network_evaluations")] public int NetworkEvaluations { get; init; }
    [JsonPropertyName("frechet_distance")] public double FrechetDistance { get; init; }
    /// <summary>Sampling and feature extraction of this row, wall clock.</summary>
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
}
