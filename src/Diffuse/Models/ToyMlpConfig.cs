using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Formats;

namespace Diffuse.Models;

/// <summary>Constructor arguments of <see cref="ToyMlp"/>, stored as its config.json.</summary>
public sealed record ToyMlpConfig
{
    [JsonPropertyName("_class_name")] public string ClassName { get; init; } = "ToyMlp";
    [JsonPropertyName("in_features")] public int InFeatures { get; init; } = 2;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 128;
    [JsonPropertyName("hidden_layers")] public int HiddenLayers { get; init; } = 3;
    [JsonPropertyName("time_embedding_dim")] public int TimeEmbeddingDim { get; init; } = 32;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static ToyMlpConfig Load(string path)
    {
        ToyMlpConfig? config;
        try { config = JsonSerializer.Deserialize<ToyMlpConfig>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new DiffuseException($"{path}: not a valid ToyMlp config: {e.Message.Split('\n')[0]}"); }
        if (config is null || config.InFeatures <= 0 || config.HiddenSize <= 0 || config.HiddenLayers <= 0 || config.TimeEmbeddingDim <= 1)
            throw new DiffuseException($"{path}: ToyMlp config needs positive in_features, hidden_size, hidden_layers and time_embedding_dim");
        return config;
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");
}
