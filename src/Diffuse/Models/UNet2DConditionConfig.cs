using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Formats;

namespace Diffuse.Models;

/// <summary>
/// The constructor arguments of diffusers' <c>UNet2DConditionModel</c> (v0.31.0), under the keys and defaults of its
/// <c>config.json</c>, so Stable Diffusion 1.x and 2.x UNet configs load here and ours load there. Unknown keys are
/// kept and written back; values that would change the maths but are not implemented are rejected by
/// <see cref="Validate"/> with the key named. Keys that only matter to block types or embeddings this class rejects
/// (<c>resnet_skip_time_act</c>, <c>resnet_out_scale_factor</c>, <c>cross_attention_norm</c>,
/// <c>addition_time_embed_dim</c>, <c>addition_embed_type_num_heads</c>, <c>projection_class_embeddings_input_dim</c>)
/// are kept and ignored, as diffusers ignores them for CrossAttnDownBlock2D, DownBlock2D and their up twins.
/// </summary>
public sealed record UNet2DConditionConfig
{
    [JsonPropertyName("_class_name")] public string ClassName { get; init; } = "UNet2DConditionModel";
    [JsonPropertyName("_diffusers_version")] public string DiffusersVersion { get; init; } = "0.31.0";
    [JsonPropertyName("sample_size")] public OneOrMany<int>? SampleSize { get; init; }
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 4;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 4;
    [JsonPropertyName("center_input_sample")] public bool CenterInputSample { get; init; }
    [JsonPropertyName("flip_sin_to_cos")] public bool FlipSinToCos { get; init; } = true;
    [JsonPropertyName("freq_shift")] public double FreqShift { get; init; }
    [JsonPropertyName("down_block_types")] public string[] DownBlockTypes { get; init; } = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"];
    [JsonPropertyName("mid_block_type")] public string? MidBlockType { get; init; } = "UNetMidBlock2DCrossAttn";
    [JsonPropertyName("up_block_types")] public string[] UpBlockTypes { get; init; } = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"];
    [JsonPropertyName("only_cross_attention")] public OneOrMany<bool> OnlyCrossAttention { get; init; } = false;
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; init; } = [320, 640, 1280, 1280];
    [JsonPropertyName("layers_per_block")] public OneOrMany<int> LayersPerBlock { get; init; } = 2;
    [JsonPropertyName("downsample_padding")] public int DownsamplePadding { get; init; } = 1;
    [JsonPropertyName("mid_block_scale_factor")] public double MidBlockScaleFactor { get; init; } = 1.0;
    [JsonPropertyName("dropout")] public double Dropout { get; init; }
    [JsonPropertyName("act_fn")] public string ActFn { get; init; } = "silu";
    [JsonPropertyName("norm_num_groups")] public int? NormNumGroups { get; init; } = 32;
    [JsonPropertyName("norm_eps")] public double NormEps { get; init; } = 1e-5;
    [JsonPropertyName("cross_attention_dim")] public OneOrMany<int> CrossAttentionDim { get; init; } = 1280;
    [JsonPropertyName("transformer_layers_per_block")] public OneOrMany<int> TransformerLayersPerBlock { get; init; } = 1;
    [JsonPropertyName("reverse_transformer_layers_per_block")] public JsonElement? ReverseTransformerLayersPerBlock { get; init; }
    [JsonPropertyName("encoder_hid_dim")] public int? EncoderHidDim { get; init; }
    [JsonPropertyName("encoder_hid_dim_type")] public string? EncoderHidDimType { get; init; }

    /// <summary>
    /// Despite its name, the number of attention heads of each block when <c>num_attention_heads</c> is null (as it is
    /// in every released SD config): diffusers keeps the misnomer for compatibility (its issue #2011).
    /// </summary>
    [JsonPropertyName("attention_head_dim")] public OneOrMany<int>? AttentionHeadDim { get; init; } = 8;

    /// <summary>The number of heads of each block; overrides <c>attention_head_dim</c> when given.</summary>
    [JsonPropertyName("num_attention_heads")] public OneOrMany<int>? NumAttentionHeads { get; init; }

    [JsonPropertyName("dual_cross_attention")] public bool DualCrossAttention { get; init; }
    [JsonPropertyName("use_linear_projection")] public bool UseLinearProjection { get; init; }
    [JsonPropertyName("class_embed_type")] public string? ClassEmbedType { get; init; }
    [JsonPropertyName("addition_embed_type")] public string? AdditionEmbedType { get; init; }
    [JsonPropertyName("addition_time_embed_dim")] public int? AdditionTimeEmbedDim { get; init; }
    [JsonPropertyName("num_class_embeds")] public int? NumClassEmbeds { get; init; }
    [JsonPropertyName("upcast_attention")] public bool UpcastAttention { get; init; }
    [JsonPropertyName("resnet_time_scale_shift")] public string ResnetTimeScaleShift { get; init; } = "default";
    [JsonPropertyName("resnet_skip_time_act")] public bool ResnetSkipTimeAct { get; init; }
    [JsonPropertyName("resnet_out_scale_factor")] public double ResnetOutScaleFactor { get; init; } = 1.0;
    [JsonPropertyName("time_embedding_type")] public string TimeEmbeddingType { get; init; } = "positional";
    [JsonPropertyName("time_embedding_dim")] public int? TimeEmbeddingDim { get; init; }
    [JsonPropertyName("time_embedding_act_fn")] public string? TimeEmbeddingActFn { get; init; }
    [JsonPropertyName("timestep_post_act")] public string? TimestepPostAct { get; init; }
    [JsonPropertyName("time_cond_proj_dim")] public int? TimeCondProjDim { get; init; }
    [JsonPropertyName("conv_in_kernel")] public int ConvInKernel { get; init; } = 3;
    [JsonPropertyName("conv_out_kernel")] public int ConvOutKernel { get; init; } = 3;
    [JsonPropertyName("projection_class_embeddings_input_dim")] public int? ProjectionClassEmbeddingsInputDim { get; init; }
    [JsonPropertyName("attention_type")] public string AttentionType { get; init; } = "default";
    [JsonPropertyName("class_embeddings_concat")] public bool ClassEmbeddingsConcat { get; init; }
    [JsonPropertyName("mid_block_only_cross_attention")] public bool? MidBlockOnlyCrossAttention { get; init; }
    [JsonPropertyName("cross_attention_norm")] public string? CrossAttentionNorm { get; init; }
    [JsonPropertyName("addition_embed_type_num_heads")] public int AdditionEmbedTypeNumHeads { get; init; } = 64;

    /// <summary>Keys this version does not know, kept so that a load-save round trip loses nothing.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }

    /// <summary>The time embedding's width: <c>time_embedding_dim</c>, else 4 × the first block's channels.</summary>
    [JsonIgnore] public int TimeEmbedDim => TimeEmbeddingDim ?? BlockOutChannels[0] * 4;

    /// <summary>Heads of each down block, in down order (<c>num_attention_heads</c> or else <c>attention_head_dim</c>).</summary>
    public int[] HeadsPerBlock() => (NumAttentionHeads ?? AttentionHeadDim)!.PerBlock(BlockOutChannels.Length);

    public int[] CrossAttentionDimPerBlock() => CrossAttentionDim.PerBlock(BlockOutChannels.Length);

    public int[] LayersPerBlockPerBlock() => LayersPerBlock.PerBlock(BlockOutChannels.Length);

    public int[] TransformerLayersPerBlockPerBlock() => TransformerLayersPerBlock.PerBlock(BlockOutChannels.Length);

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static UNet2DConditionConfig Load(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: model config not found");
        var config = Parse(File.ReadAllText(path), path);
        config.Validate(path);
        return config;
    }

    /// <summary>The config in <paramref name="json"/>, not yet validated; <paramref name="source"/> names it in errors.</summary>
    public static UNet2DConditionConfig Parse(string json, string source = "config.json")
    {
        try
        {
            return JsonSerializer.Deserialize<UNet2DConditionConfig>(json, Json)
                   ?? throw new DiffuseException($"{source}: empty UNet config");
        }
        catch (JsonException e)
        {
            // Messages of our converters carry no path; the exception does ("$.attention_head_dim").
            string where = e.Path is { Length: > 2 } path && !e.Message.Contains("Path:") ? $"{path[2..]}: " : "";
            throw new DiffuseException($"{source}: not a valid UNet2DConditionModel config: {where}{e.Message.Split('\n')[0]}");
        }
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Rejects configs this implementation would compute differently from diffusers, naming the key.</summary>
    public void Validate(string source = "config.json")
    {
        void Fail(string key, string problem) => throw new DiffuseException($"{source}: {key}: {problem}");
        void Unsupported(string key, object? value, string supported) => Fail(key, $"'{value}' is not supported (supported: {supported})");
        if (ClassName != "UNet2DConditionModel") Unsupported("_class_name", ClassName, "UNet2DConditionModel");
        if (SampleSize is not null && SampleSize.Values.Any(n => n <= 0)) Fail("sample_size", "must be positive");
        if (InChannels <= 0) Fail("in_channels", "must be positive");
        if (OutChannels <= 0) Fail("out_channels", "must be positive");
        int levels = BlockOutChannels.Length;
        if (levels == 0) Fail("block_out_channels", "must list at least one level");
        if (DownBlockTypes.Length != levels) Fail("down_block_types", $"has {DownBlockTypes.Length} entries but block_out_channels has {levels}");
        if (UpBlockTypes.Length != levels) Fail("up_block_types", $"has {UpBlockTypes.Length} entries but block_out_channels has {levels}");
        foreach (var t in DownBlockTypes)
            if (t is not ("CrossAttnDownBlock2D" or "DownBlock2D")) Unsupported("down_block_types", t, "CrossAttnDownBlock2D, DownBlock2D");
        foreach (var t in UpBlockTypes)
            if (t is not ("CrossAttnUpBlock2D" or "UpBlock2D")) Unsupported("up_block_types", t, "CrossAttnUpBlock2D, UpBlock2D");
        if (MidBlockType != "UNetMidBlock2DCrossAttn") Unsupported("mid_block_type", MidBlockType ?? "null", "UNetMidBlock2DCrossAttn");
        if (NormNumGroups is not int groups || groups <= 0) { Fail("norm_num_groups", "must be a positive number"); return; }
        foreach (var c in BlockOutChannels)
            if (c <= 0 || c % groups != 0) Fail("block_out_channels", $"{c} channels cannot be split into norm_num_groups={groups} groups");

        void PerBlock<T>(string key, OneOrMany<T>? value, Func<T, bool> valid, string problem)
        {
            if (value is null) return;
            if (value.IsList && value.Values.Count != levels) Fail(key, $"has {value.Values.Count} entries but block_out_channels has {levels}");
            if (!value.Values.All(valid)) Fail(key, $"{value} {problem}");
        }
        PerBlock("layers_per_block", LayersPerBlock, n => n > 0, "must be positive");
        PerBlock("attention_head_dim", AttentionHeadDim, n => n > 0, "must be positive (it is the number of heads unless num_attention_heads is given)");
        PerBlock("num_attention_heads", NumAttentionHeads, n => n > 0, "must be positive");
        PerBlock("cross_attention_dim", CrossAttentionDim, n => n > 0, "must be positive");
        PerBlock("transformer_layers_per_block", TransformerLayersPerBlock, n => n > 0, "must be positive");
        PerBlock("only_cross_attention", OnlyCrossAttention, only => !only, "is not supported (supported: false)");
        if (NumAttentionHeads is null && AttentionHeadDim is null) Fail("attention_head_dim", "must be given (diffusers takes it as the number of heads)");
        var heads = HeadsPerBlock();
        void Divides(string where, int channels, int n)
        {
            string key = NumAttentionHeads is null ? "attention_head_dim" : "num_attention_heads";
            if (channels % n != 0) Fail(key, $"{n} heads do not divide the {channels} channels of {where}");
        }
        for (int i = 0; i < levels; i++)
        {
            if (DownBlockTypes[i] == "CrossAttnDownBlock2D") Divides($"down_blocks.{i}", BlockOutChannels[i], heads[i]);
            if (UpBlockTypes[i] == "CrossAttnUpBlock2D") Divides($"up_blocks.{i}", BlockOutChannels[levels - 1 - i], heads[levels - 1 - i]);
        }
        Divides("mid_block", BlockOutChannels[^1], heads[^1]);

        if (MidBlockOnlyCrossAttention == true) Unsupported("mid_block_only_cross_attention", "true", "false, null");
        if (DualCrossAttention) Unsupported("dual_cross_attention", "true", "false");
        if (ReverseTransformerLayersPerBlock is { ValueKind: not JsonValueKind.Null } reverse) Unsupported("reverse_transformer_layers_per_block", reverse.GetRawText(), "null");
        if (EncoderHidDim is not null) Unsupported("encoder_hid_dim", EncoderHidDim, "null");
        if (EncoderHidDimType is not null) Unsupported("encoder_hid_dim_type", EncoderHidDimType, "null");
        if (ClassEmbedType is not null) Unsupported("class_embed_type", ClassEmbedType, "null, with num_class_embeds for an embedding table");
        if (NumClassEmbeds is <= 0) Fail("num_class_embeds", "must be positive");
        if (ClassEmbeddingsConcat) Unsupported("class_embeddings_concat", "true", "false");
        if (AdditionEmbedType is not null) Unsupported("addition_embed_type", AdditionEmbedType, "null");
        if (ActFn != "silu") Unsupported("act_fn", ActFn, "silu");
        if (ResnetTimeScaleShift != "default") Unsupported("resnet_time_scale_shift", ResnetTimeScaleShift, "default");
        if (TimeEmbeddingType != "positional") Unsupported("time_embedding_type", TimeEmbeddingType, "positional");
        if (TimeEmbeddingDim is <= 0) Fail("time_embedding_dim", "must be positive");
        if (TimeEmbeddingActFn is not null) Unsupported("time_embedding_act_fn", TimeEmbeddingActFn, "null");
        if (TimestepPostAct is not null) Unsupported("timestep_post_act", TimestepPostAct, "null");
        if (TimeCondProjDim is not null) Unsupported("time_cond_proj_dim", TimeCondProjDim, "null");
        if (AttentionType != "default") Unsupported("attention_type", AttentionType, "default");
        if (ConvInKernel <= 0 || ConvInKernel % 2 == 0) Fail("conv_in_kernel", $"must be a positive odd number (got {ConvInKernel})");
        if (ConvOutKernel <= 0 || ConvOutKernel % 2 == 0) Fail("conv_out_kernel", $"must be a positive odd number (got {ConvOutKernel})");
        if (DownsamplePadding < 0) Fail("downsample_padding", "must not be negative");
        if (Dropout is < 0 or >= 1) Fail("dropout", "must be in [0, 1)");
    }
}
