using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.IO;

namespace Diffuse.Metrics;

/// <summary>What <c>diffuse eval</c> measured, written as eval.json: the samples' Fréchet distance in
/// classifier features and the real-vs-real floor it should be read against.</summary>
public sealed record SampleQualityReport
{
    [JsonPropertyName("model")] public string Model { get; init; } = "";
    [JsonPropertyName("classifier")] public string Classifier { get; init; } = "";
    [JsonPropertyName("data")] public string Data { get; init; } = "";
    [JsonPropertyName("sampler")] public string Sampler { get; init; } = "";
    [JsonPropertyName("steps")] public int Steps { get; init; }
    [JsonPropertyName("count")] public int Count { get; init; }
    [JsonPropertyName("seed")] public long Seed { get; init; }
    [JsonPropertyName("frechet_distance")] public double FrechetDistance { get; init; }
    /// <summary>Between two disjoint real sets, each of <see cref="FloorCount"/> images.</summary>
    [JsonPropertyName("real_vs_real_frechet_distance")] public double RealVsRealFrechetDistance { get; init; }
    [JsonPropertyName("real_vs_real_count")] public int FloorCount { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }

    public void Save(string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
