using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Diffuse.Formats;

namespace Diffuse.Models;

/// <summary>
/// The constructor arguments of diffusers' <c>UNet2DModel</c>, under the keys and defaults of its
/// <c>config.json</c>, so a config file written by diffusers loads here and ours loads there.
/// Unknown keys are kept and written back; values that would change the maths but are not
/// implemented are rejected by <see cref="Validate"/> with the key named.
/// </summary>
public sealed record UNet2DConfig
{
    [JsonPropertyName("_class_name")] public string ClassName { get; init; } = "UNet2DModel";
    [JsonPropertyName("_diffusers_version")] public string DiffusersVersion { get; init; } = "0.31.0";
    [JsonPropertyName("sample_size")] public int SampleSize { get; init; } = 32;
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 3;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 3;
    [JsonPropertyName("center_input_sample")] public bool CenterInputSample { get; init; }
    [JsonPropertyName("time_embedding_type")] public string TimeEmbeddingType { get; init; } = "positional";
    [JsonPropertyName("freq_shift")] public double FreqShift { get; init; }
    [JsonPropertyName("flip_sin_to_cos")] public bool FlipSinToCos { get; init; } = true;
    [JsonPropertyName("down_block_types")] public string[] DownBlockTypes { get; init; } = ["DownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D"];
    [JsonPropertyName("up_block_types")] public string[] UpBlockTypes { get; init; } = ["AttnUpBlock2D", "AttnUpBlock2D", "AttnUpBlock2D", "UpBlock2D"];
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; init; } = [224, 448, 672, 896];
    [JsonPropertyName("layers_per_block")] public int LayersPerBlock { get; init; } = 2;
    [JsonPropertyName("mid_block_scale_factor")] public double MidBlockScaleFactor { get; init; } = 1.0;
    [JsonPropertyName("downsample_padding")] public int DownsamplePadding { get; init; } = 1;
    [JsonPropertyName("downsample_type")] public string DownsampleType { get; init; } = "conv";
    [JsonPropertyName("upsample_type")] public string UpsampleType { get; init; } = "conv";
    [JsonPropertyName("dropout")] public double Dropout { get; init; }
    [JsonPropertyName("act_fn")] public string ActFn { get; init; } = "silu";
    [JsonPropertyName("attention_head_dim")] public int? AttentionHeadDim { get; init; } = 8;
    [JsonPropertyName("norm_num_groups")] public int NormNumGroups { get; init; } = 32;
    [JsonPropertyName("attn_norm_num_groups")] public int? AttnNormNumGroups { get; init; }
    [JsonPropertyName("norm_eps")] public double NormEps { get; init; } = 1e-5;
    [JsonPropertyName("resnet_time_scale_shift")] public string ResnetTimeScaleShift { get; init; } = "default";
    [JsonPropertyName("add_attention")] public bool AddAttention { get; init; } = true;
    [JsonPropertyName("class_embed_type")] public string? ClassEmbedType { get; init; }
    [JsonPropertyName("num_class_embeds")] public int? NumClassEmbeds { get; init; }
    [JsonPropertyName("num_train_timesteps")] public int? NumTrainTimesteps { get; init; }

    /// <summary>Keys this version does not know, kept so that a load-save round trip loses nothing.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }

    /// <summary>
    /// An integer a folder from before pipelines recorded their task kept in the UNet config (ours, not diffusers':
    /// <c>null_class</c>, <c>superres_scale</c>); now it lives in <c>model_index.json</c>. Null when absent.
    /// </summary>
    public int? LegacySetting(string key) =>
        Extra is not null && Extra.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)
            ? number
            : null;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static UNet2DConfig Load(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: model config not found");
        UNet2DConfig? config;
        try { config = JsonSerializer.Deserialize<UNet2DConfig>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new DiffuseException($"{path}: not a valid UNet config: {e.Message.Split('\n')[0]}"); }
        if (config is null) throw new DiffuseException($"{path}: empty UNet config");
        config.Validate(path);
        return config;
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Rejects configs this implementation would silently compute differently from diffusers.</summary>
    public void Validate(string source = "config.json")
    {
        void Fail(string key, string problem) => throw new DiffuseException($"{source}: {key}: {problem}");
        if (ClassName != "UNet2DModel") Fail("_class_name", $"'{ClassName}' is not supported (expected UNet2DModel)");
        if (SampleSize <= 0) Fail("sample_size", "must be positive");
        if (InChannels <= 0) Fail("in_channels", "must be positive");
        if (OutChannels <= 0) Fail("out_channels", "must be positive");
        if (BlockOutChannels.Length == 0) Fail("block_out_channels", "must list at least one level");
        if (DownBlockTypes.Length != BlockOutChannels.Length) Fail("down_block_types", $"has {DownBlockTypes.Length} entries but block_out_channels has {BlockOutChannels.Length}");
        if (UpBlockTypes.Length != BlockOutChannels.Length) Fail("up_block_types", $"has {UpBlockTypes.Length} entries but block_out_channels has {BlockOutChannels.Length}");
        foreach (var t in DownBlockTypes)
            if (t is not ("DownBlock2D" or "AttnDownBlock2D")) Fail("down_block_types", $"block type '{t}' is not supported (supported: DownBlock2D, AttnDownBlock2D)");
        foreach (var t in UpBlockTypes)
            if (t is not ("UpBlock2D" or "AttnUpBlock2D")) Fail("up_block_types", $"block type '{t}' is not supported (supported: UpBlock2D, AttnUpBlock2D)");
        if (LayersPerBlock <= 0) Fail("layers_per_block", "must be positive");
        if (NormNumGroups <= 0) Fail("norm_num_groups", "must be positive");
        foreach (var c in BlockOutChannels)
            if (c <= 0 || c % NormNumGroups != 0) Fail("block_out_channels", $"{c} channels cannot be split into norm_num_groups={NormNumGroups} groups");
        if (TimeEmbeddingType != "positional") Fail("time_embedding_type", $"'{TimeEmbeddingType}' is not supported (supported: positional)");
        if (ActFn != "silu") Fail("act_fn", $"'{ActFn}' is not supported (supported: silu)");
        if (ResnetTimeScaleShift != "default") Fail("resnet_time_scale_shift", $"'{ResnetTimeScaleShift}' is not supported (supported: default)");
        if (DownsampleType != "conv") Fail("downsample_type", $"'{DownsampleType}' is not supported (supported: conv)");
        if (UpsampleType != "conv") Fail("upsample_type", $"'{UpsampleType}' is not supported (supported: conv)");
        if (ClassEmbedType is not null) Fail("class_embed_type", $"'{ClassEmbedType}' is not supported (use num_class_embeds)");
        if (NumClassEmbeds is <= 0) Fail("num_class_embeds", "must be positive");
        if (AttentionHeadDim is <= 0) Fail("attention_head_dim", "must be positive");
    }
}
