using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffuse.Evaluation;

/// <summary>What <c>diffuse train-classifier</c> measured, stored as the classifier folder's metrics.json.</summary>
public sealed record ClassifierMetrics
{
    [JsonPropertyName("test_accuracy")] public double TestAccuracy { get; init; }
    [JsonPropertyName("test_count")] public int TestCount { get; init; }
    [JsonPropertyName("test_data")] public string TestData { get; init; } = "";
    [JsonPropertyName("train_data")] public string TrainData { get; init; } = "";
    [JsonPropertyName("train_count")] public int TrainCount { get; init; }
    [JsonPropertyName("epochs")] public int Epochs { get; init; }
    [JsonPropertyName("batch")] public int Batch { get; init; }
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; }
    [JsonPropertyName("seed")] public long Seed { get; init; }
    [JsonPropertyName("train_seconds")] public double TrainSeconds { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }) + "\n";
}
