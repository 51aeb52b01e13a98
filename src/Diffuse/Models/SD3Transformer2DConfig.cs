using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffuse.Models;

/// <summary>
/// The constructor arguments of diffusers' <c>SD3Transformer2DModel</c> (v0.31.0) under the keys and defaults of its
/// <c>config.json</c> (the defaults are SD3 medium's). Unknown keys are kept and written back.
/// </summary>
public sealed record SD3Transformer2DConfig
{
    public const string DiffusersClassName = "SD3Transformer2DModel";

    [JsonPropertyName("_class_name")] public string ClassName { get; init; } = DiffusersClassName;
    [JsonPropertyName("_diffusers_version")] public string DiffusersVersion { get; init; } = "0.31.0";
    [JsonPropertyName("sample_size")] public int SampleSize { get; init; } = 128;
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 2;
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 16;
    [JsonPropertyName("num_layers")] public int NumLayers { get; init; } = 18;
    [JsonPropertyName("attention_head_dim")] public int AttentionHeadDim { get; init; } = 64;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 18;
    [JsonPropertyName("joint_attention_dim")] public int JointAttentionDim { get; init; } = 4096;
    [JsonPropertyName("caption_projection_dim")] public int CaptionProjectionDim { get; init; } = 1152;
    [JsonPropertyName("pooled_projection_dim")] public int PooledProjectionDim { get; init; } = 2048;
    [JsonPropertyName("out_channels")] public int? OutChannels { get; init; } = 16;
    [JsonPropertyName("pos_embed_max_size")] public int? PosEmbedMaxSize { get; init; } = 96;

    /// <summary>Blocks with SD3.5's second, image-only attention (empty for SD3.0).</summary>
    [JsonPropertyName("dual_attention_layers")] public int[] DualAttentionLayers { get; init; } = [];

    /// <summary>null, "rms_norm" (SD3.5) or "layer_norm": a per-head norm of queries and keys.</summary>
    [JsonPropertyName("qk_norm")] public string? QkNorm { get; init; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }

    [JsonIgnore] public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    [JsonIgnore] public int Channels => OutChannels ?? InChannels;

    public static SD3Transformer2DConfig Load(string path)
    {
        var config = TransformerConfigJson.Load<SD3Transformer2DConfig>(path, DiffusersClassName);
        config.Validate(path);
        return config;
    }

    public void Save(string path) => TransformerConfigJson.Save(this, path);

    public void Validate(string source = "config.json")
    {
        void Fail(string key, string problem) => throw new DiffuseException($"{source}: {key}: {problem}");
        if (ClassName != DiffusersClassName) Fail("_class_name", $"'{ClassName}' is not {DiffusersClassName}");
        foreach (var (key, value) in new[] { ("sample_size", SampleSize), ("patch_size", PatchSize), ("in_channels", InChannels), ("num_layers", NumLayers),
                     ("attention_head_dim", AttentionHeadDim), ("num_attention_heads", NumAttentionHeads), ("joint_attention_dim", JointAttentionDim),
                     ("caption_projection_dim", CaptionProjectionDim), ("pooled_projection_dim", PooledProjectionDim) })
            if (value <= 0) Fail(key, "must be positive");
        if (OutChannels is <= 0) Fail("out_channels", "must be positive");
        if (InnerDim % 4 != 0) Fail("attention_head_dim", $"heads × head dim = {InnerDim} must be divisible by 4 (the 2-D sin-cos position embedding)");
        // diffusers feeds the projected context (caption_projection_dim wide) to blocks of width heads × head dim.
        if (CaptionProjectionDim != InnerDim) Fail("caption_projection_dim", $"{CaptionProjectionDim} must equal num_attention_heads × attention_head_dim = {InnerDim}");
        if (PosEmbedMaxSize is int max && max < SampleSize / PatchSize) Fail("pos_embed_max_size", $"{max} is smaller than sample_size / patch_size = {SampleSize / PatchSize}");
        if (PosEmbedMaxSize is <= 0) Fail("pos_embed_max_size", "must be positive");
        if (QkNorm is not (null or JointAttention.RmsNormKind or JointAttention.LayerNormKind)) Fail("qk_norm", $"'{QkNorm}' is not supported (supported: null, rms_norm, layer_norm)");
        foreach (var i in DualAttentionLayers)
            if (i < 0 || i >= NumLayers) Fail("dual_attention_layers", $"{i} is not a block index 0..{NumLayers - 1}");
    }
}
