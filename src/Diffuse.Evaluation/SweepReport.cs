using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Formats;

namespace Diffuse.Evaluation;

/// <summary>What <c>diffuse sweep</c> measured, written as sweep.json: one row per sampler and step count, and the
/// real-vs-real floor the distances should be read against.</summary>
public sealed record SweepReport
{
    [JsonPropertyName("model")] public string Model { get; init; } = "";
    [JsonPropertyName("classifier")] public string Classifier { get; init; } = "";
    [JsonPropertyName("data")] public string Data { get; init; } = "";
    [JsonPropertyName("count")] public int Count { get; init; }
    [JsonPropertyName("seed")] public long Seed { get; init; }
    [JsonPropertyName("rows")] public IReadOnlyList<SweepRowResult> Rows { get; init; } = [];
    /// <summary>Between two disjoint real sets, each of <see cref="FloorCount"/> images.</summary>
    [JsonPropertyName("real_vs_real_frechet_distance")] public double RealVsRealFrechetDistance { get; init; }
    [JsonPropertyName("real_vs_real_count")] public int FloorCount { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }

    /// <summary>Writes the report atomically; sampler names such as dpm++ stay readable (no \u002B escapes).</summary>
    public void Save(string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
}
