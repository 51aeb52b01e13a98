using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Formats;

namespace Diffuse.Evaluation;

/// <summary>What <c>diffuse eval</c> measured, written as eval.json: the samples' Fréchet distance, KID and
/// precision/recall in the chosen features, and the same figures for two real sets, the floor they should be read against.</summary>
public sealed record SampleQualityReport
{
    [JsonPropertyName("model")] public string Model { get; init; } = "";
    /// <summary><c>classifier</c> or <c>inception</c>.</summary>
    [JsonPropertyName("features")] public string Features { get; init; } = "classifier";
    /// <summary>The classifier folder; empty with Inception features.</summary>
    [JsonPropertyName("classifier")] public string Classifier { get; init; } = "";
    /// <summary>The Inception weights file; empty with classifier features.</summary>
    [JsonPropertyName("inception_weights")] public string InceptionWeights { get; init; } = "";
    [JsonPropertyName("data")] public string Data { get; init; } = "";
    [JsonPropertyName("sampler")] public string Sampler { get; init; } = "";
    [JsonPropertyName("steps")] public int Steps { get; init; }
    [JsonPropertyName("count")] public int Count { get; init; }
    [JsonPropertyName("seed")] public long Seed { get; init; }
    [JsonPropertyName("frechet_distance")] public double FrechetDistance { get; init; }
    [JsonPropertyName("kid_mean")] public double KidMean { get; init; }
    [JsonPropertyName("kid_std")] public double KidStd { get; init; }
    [JsonPropertyName("precision")] public double Precision { get; init; }
    [JsonPropertyName("recall")] public double Recall { get; init; }
    /// <summary>Between two disjoint real sets, each of <see cref="FloorCount"/> images.</summary>
    [JsonPropertyName("real_vs_real_frechet_distance")] public double RealVsRealFrechetDistance { get; init; }
    [JsonPropertyName("real_vs_real_kid_mean")] public double RealVsRealKidMean { get; init; }
    [JsonPropertyName("real_vs_real_kid_std")] public double RealVsRealKidStd { get; init; }
    [JsonPropertyName("real_vs_real_precision")] public double RealVsRealPrecision { get; init; }
    [JsonPropertyName("real_vs_real_recall")] public double RealVsRealRecall { get; init; }
    [JsonPropertyName("real_vs_real_count")] public int FloorCount { get; init; }
    /// <summary>KID is averaged over this many random subsets of <see cref="KidSubsetSize"/> features of each set
    /// (the floor's of min(1000, <see cref="FloorCount"/>)).</summary>
    [JsonPropertyName("kid_subsets")] public int KidSubsets { get; init; }
    [JsonPropertyName("kid_subset_size")] public int KidSubsetSize { get; init; }
    /// <summary>The neighbour whose distance sets each ball's radius in precision and recall.</summary>
    [JsonPropertyName("precision_recall_k")] public int PrecisionRecallK { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }

    public void Save(string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
