using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Formats;

namespace Diffuse.Text;

/// <summary>
/// transformers' <c>CLIPTextConfig</c> under the keys and defaults of its <c>config.json</c> (configuration_clip.py),
/// so a Stable Diffusion <c>text_encoder/config.json</c> loads as it is. Keys this version does not use are kept and
/// written back; values it would compute differently are rejected by <see cref="Validate"/> with the key named.
/// </summary>
public sealed record ClipTextConfig
{
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "clip_text_model";
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 49408;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 512;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 2048;
    [JsonPropertyName("projection_dim")] public int ProjectionDim { get; init; } = 512;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 8;
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 77;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "quick_gelu";
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-5;
    [JsonPropertyName("attention_dropout")] public double AttentionDropout { get; init; }
    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; init; } = 1;
    [JsonPropertyName("bos_token_id")] public int BosTokenId { get; init; } = 49406;
    [JsonPropertyName("eos_token_id")] public int EosTokenId { get; init; } = 49407;

    /// <summary>Not a CLIPTextConfig key: diffusers' <c>encode_prompt</c> passes the padding mask only when a config sets it.</summary>
    [JsonPropertyName("use_attention_mask")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? UseAttentionMask { get; init; }

    /// <summary>Keys this version does not use (architectures, dropout, initializer_range, torch_dtype, ...), kept for a round trip.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }

    /// <summary>The activations of transformers' <c>ACT2FN</c> this model implements.</summary>
    public static readonly IReadOnlyList<string> Activations = ["quick_gelu", "gelu"];

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static ClipTextConfig Load(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: text encoder config not found");
        ClipTextConfig? config;
        try { config = JsonSerializer.Deserialize<ClipTextConfig>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new DiffuseException($"{path}: not a valid CLIP text config: {e.Message.Split('\n')[0]}"); }
        if (config is null) throw new DiffuseException($"{path}: empty CLIP text config");
        config.Validate(path);
        return config;
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>Rejects configs this implementation would compute differently from transformers.</summary>
    public void Validate(string source = "config.json")
    {
        void Fail(string key, string problem) => throw new DiffuseException($"{source}: {key}: {problem}");
        if (ModelType != "clip_text_model") Fail("model_type", $"'{ModelType}' is not supported (expected clip_text_model)");
        if (VocabSize <= 0) Fail("vocab_size", "must be positive");
        if (HiddenSize <= 0) Fail("hidden_size", "must be positive");
        if (IntermediateSize <= 0) Fail("intermediate_size", "must be positive");
        if (NumHiddenLayers <= 0) Fail("num_hidden_layers", "must be positive");
        if (NumAttentionHeads <= 0 || HiddenSize % NumAttentionHeads != 0)
            Fail("num_attention_heads", $"{NumAttentionHeads} heads do not divide hidden_size {HiddenSize}");
        if (MaxPositionEmbeddings <= 0) Fail("max_position_embeddings", "must be positive");
        if (!Activations.Contains(HiddenAct)) Fail("hidden_act", $"'{HiddenAct}' is not supported (supported: {string.Join(", ", Activations)})");
        if (!(LayerNormEps > 0)) Fail("layer_norm_eps", "must be positive");
        if (EosTokenId < 0) Fail("eos_token_id", "must not be negative");
    }
}
