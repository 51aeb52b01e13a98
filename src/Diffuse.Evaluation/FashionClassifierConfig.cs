using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Formats;

namespace Diffuse.Evaluation;

/// <summary>Constructor arguments of <see cref="FashionClassifier"/>, stored as its config.json.</summary>
public sealed record FashionClassifierConfig
{
    public const string Name = "FashionClassifier";

    [JsonPropertyName("_class_name")] public string ClassName { get; init; } = Name;
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 1;
    [JsonPropertyName("sample_size")] public int SampleSize { get; init; } = 28;
    [JsonPropertyName("num_classes")] public int NumClasses { get; init; } = 10;
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; init; } = [32, 64, 128];
    [JsonPropertyName("feature_dim")] public int FeatureDim { get; init; } = 128;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static FashionClassifierConfig Load(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: classifier config not found");
        FashionClassifierConfig? config;
        try { config = JsonSerializer.Deserialize<FashionClassifierConfig>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new DiffuseException($"{path}: not a valid classifier config: {e.Message.Split('\n')[0]}"); }
        if (config is null || config.ClassName != Name)
            throw new DiffuseException($"{path}: not a {Name} config (_class_name '{config?.ClassName}')");
        if (config.InChannels <= 0 || config.SampleSize <= 0 || config.SampleSize % 4 != 0 || config.NumClasses < 2 || config.FeatureDim <= 0
            || config.BlockOutChannels.Length != 3 || config.BlockOutChannels.Any(c => c <= 0 || c % 8 != 0))
            throw new DiffuseException($"{path}: classifier config needs positive sizes, a sample_size divisible by 4, at least 2 classes and three block_out_channels divisible by 8");
        return config;
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");
}
