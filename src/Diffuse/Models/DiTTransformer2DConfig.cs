using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffuse.Models;

/// <summary>
/// The constructor arguments of diffusers' <c>DiTTransformer2DModel</c> (v0.31.0) under the keys and defaults of its
/// <c>config.json</c>. Unknown keys are kept and written back; values that would change the maths but are not
/// implemented are rejected by <see cref="Validate"/> with the key named.
/// </summary>
public sealed record DiTTransformer2DConfig
{
    public const string DiffusersClassName = "DiTTransformer2DModel";

    [JsonPropertyName("_class_name")] public string ClassName { get; init; } = DiffusersClassName;
    [JsonPropertyName("_diffusers_version")] public string DiffusersVersion { get; init; } = "0.31.0";
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 16;
    [JsonPropertyName("attention_head_dim")] public int AttentionHeadDim { get; init; } = 72;
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 4;
    [JsonPropertyName("out_channels")] public int? OutChannels { get; init; }
    [JsonPropertyName("num_layers")] public int NumLayers { get; init; } = 28;
    [JsonPropertyName("dropout")] public double Dropout { get; init; }
    [JsonPropertyName("norm_num_groups")] public int NormNumGroups { get; init; } = 32;
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; init; } = true;
    [JsonPropertyName("sample_size")] public int SampleSize { get; init; } = 32;
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 2;
    [JsonPropertyName("activation_fn")] public string ActivationFn { get; init; } = FeedForward.GeluApproximate;

    /// <summary>The number of classes K; the class table has K + 1 rows, the last (K) meaning "no class".</summary>
    [JsonPropertyName("num_embeds_ada_norm")] public int? NumEmbedsAdaNorm { get; init; } = 1000;

    [JsonPropertyName("upcast_attention")] public bool UpcastAttention { get; init; }
    [JsonPropertyName("norm_type")] public string NormType { get; init; } = "ada_norm_zero";
    [JsonPropertyName("norm_elementwise_affine")] public bool NormElementwiseAffine { get; init; }
    [JsonPropertyName("norm_eps")] public double NormEps { get; init; } = 1e-5;

    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }

    [JsonIgnore] public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    /// <summary>Output channels: <c>out_channels</c>, else the input's; twice the input's means a learned variance (DiT's Σ).</summary>
    [JsonIgnore] public int Channels => OutChannels ?? InChannels;

    [JsonIgnore] public bool LearnedSigma => Channels == 2 * InChannels;

    public static DiTTransformer2DConfig Load(string path)
    {
        var config = TransformerConfigJson.Load<DiTTransformer2DConfig>(path, DiffusersClassName);
        config.Validate(path);
        return config;
    }

    public void Save(string path) => TransformerConfigJson.Save(this, path);

    public void Validate(string source = "config.json")
    {
        void Fail(string key, string problem) => throw new DiffuseException($"{source}: {key}: {problem}");
        if (ClassName != DiffusersClassName) Fail("_class_name", $"'{ClassName}' is not {DiffusersClassName}");
        if (NumAttentionHeads <= 0) Fail("num_attention_heads", "must be positive");
        if (AttentionHeadDim <= 0) Fail("attention_head_dim", "must be positive");
        if (InnerDim % 4 != 0) Fail("attention_head_dim", $"heads × head dim = {InnerDim} must be divisible by 4 (the 2-D sin-cos position embedding)");
        if (InChannels <= 0) Fail("in_channels", "must be positive");
        if (OutChannels is <= 0) Fail("out_channels", "must be positive");
        if (NumLayers <= 0) Fail("num_layers", "must be positive");
        if (PatchSize <= 0) Fail("patch_size", "must be positive");
        if (SampleSize <= 0 || SampleSize % PatchSize != 0) Fail("sample_size", $"{SampleSize} must be a positive multiple of patch_size {PatchSize}");
        if (NormType != "ada_norm_zero") Fail("norm_type", $"'{NormType}' is not supported (supported: ada_norm_zero, as diffusers' DiTTransformer2DModel)");
        if (NumEmbedsAdaNorm is not int k || k <= 0) Fail("num_embeds_ada_norm", "must be a positive number of classes (adaLN-Zero embeds a class)");
        if (ActivationFn is not (FeedForward.GeluApproximate or FeedForward.Gelu or FeedForward.Geglu))
            Fail("activation_fn", $"'{ActivationFn}' is not supported (supported: {FeedForward.GeluApproximate}, {FeedForward.Gelu}, {FeedForward.Geglu})");
        if (Dropout is < 0 or >= 1) Fail("dropout", "must be in [0, 1)");
        if (!(NormEps > 0)) Fail("norm_eps", "must be positive");
    }
}
