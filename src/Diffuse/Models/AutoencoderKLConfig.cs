using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Formats;

namespace Diffuse.Models;

/// <summary>
/// The constructor arguments of diffusers' <c>AutoencoderKL</c> (v0.31.0, <c>models/autoencoders/autoencoder_kl.py</c>)
/// under the keys and defaults of its <c>config.json</c>. Unknown keys are kept and written back; values that would
/// change the maths but are not implemented are rejected by <see cref="Validate"/> with the key named.
/// </summary>
public sealed record AutoencoderKLConfig
{
    public const string DownEncoderBlock = "DownEncoderBlock2D";
    public const string UpDecoderBlock = "UpDecoderBlock2D";

    [JsonPropertyName("_class_name")] public string ClassName { get; init; } = nameof(AutoencoderKL);
    [JsonPropertyName("_diffusers_version")] public string DiffusersVersion { get; init; } = "0.31.0";
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 3;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 3;
    [JsonPropertyName("down_block_types")] public string[] DownBlockTypes { get; init; } = [DownEncoderBlock];
    [JsonPropertyName("up_block_types")] public string[] UpBlockTypes { get; init; } = [UpDecoderBlock];
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; init; } = [64];
    [JsonPropertyName("layers_per_block")] public int LayersPerBlock { get; init; } = 1;
    [JsonPropertyName("act_fn")] public string ActFn { get; init; } = "silu";
    [JsonPropertyName("latent_channels")] public int LatentChannels { get; init; } = 4;
    [JsonPropertyName("norm_num_groups")] public int NormNumGroups { get; init; } = 32;
    [JsonPropertyName("sample_size")] public int SampleSize { get; init; } = 32;

    /// <summary>Latents are multiplied by this before the denoiser sees them (Rombach et al. 2022, sections 4.3.2 and D.1).</summary>
    [JsonPropertyName("scaling_factor")] public double ScalingFactor { get; init; } = 0.18215;

    /// <summary>Subtracted before scaling (SD3, Flux); null for none.</summary>
    [JsonPropertyName("shift_factor")] public double? ShiftFactor { get; init; }

    /// <summary>Per-channel latent statistics some pipelines normalise with instead of the shift (SDXL's, when both are set).</summary>
    [JsonPropertyName("latents_mean")] public double[]? LatentsMean { get; init; }
    [JsonPropertyName("latents_std")] public double[]? LatentsStd { get; init; }

    /// <summary>Whether pipelines run this VAE in float32 even when the rest is in half precision.</summary>
    [JsonPropertyName("force_upcast")] public bool ForceUpcast { get; init; } = true;
    [JsonPropertyName("use_quant_conv")] public bool UseQuantConv { get; init; } = true;
    [JsonPropertyName("use_post_quant_conv")] public bool UsePostQuantConv { get; init; } = true;
    [JsonPropertyName("mid_block_add_attention")] public bool MidBlockAddAttention { get; init; } = true;

    /// <summary>Keys this version does not know, kept so that a load-save round trip loses nothing.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static AutoencoderKLConfig Load(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: model config not found");
        AutoencoderKLConfig? config;
        try { config = JsonSerializer.Deserialize<AutoencoderKLConfig>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new DiffuseException($"{path}: not a valid AutoencoderKL config: {e.Message.Split('\n')[0]}"); }
        if (config is null) throw new DiffuseException($"{path}: empty AutoencoderKL config");
        config.Validate(path);
        return config;
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Rejects configs this implementation would compute differently from diffusers, or not at all.</summary>
    public void Validate(string source = "config.json")
    {
        void Fail(string key, string problem) => throw new DiffuseException($"{source}: {key}: {problem}");
        if (ClassName != nameof(AutoencoderKL)) Fail("_class_name", $"'{ClassName}' is not supported (expected {nameof(AutoencoderKL)})");
        if (InChannels <= 0) Fail("in_channels", "must be positive");
        if (OutChannels <= 0) Fail("out_channels", "must be positive");
        if (LatentChannels <= 0) Fail("latent_channels", "must be positive");
        if (SampleSize <= 0) Fail("sample_size", "must be positive");
        if (BlockOutChannels.Length == 0) Fail("block_out_channels", "must list at least one level");
        if (DownBlockTypes.Length != BlockOutChannels.Length) Fail("down_block_types", $"has {DownBlockTypes.Length} entries but block_out_channels has {BlockOutChannels.Length}");
        if (UpBlockTypes.Length != BlockOutChannels.Length) Fail("up_block_types", $"has {UpBlockTypes.Length} entries but block_out_channels has {BlockOutChannels.Length}");
        foreach (var t in DownBlockTypes)
            if (t != DownEncoderBlock) Fail("down_block_types", $"block type '{t}' is not supported (supported: {DownEncoderBlock})");
        foreach (var t in UpBlockTypes)
            if (t != UpDecoderBlock) Fail("up_block_types", $"block type '{t}' is not supported (supported: {UpDecoderBlock})");
        if (LayersPerBlock <= 0) Fail("layers_per_block", "must be positive");
        if (NormNumGroups <= 0) Fail("norm_num_groups", "must be positive");
        foreach (var c in BlockOutChannels)
            if (c <= 0 || c % NormNumGroups != 0) Fail("block_out_channels", $"{c} channels cannot be split into norm_num_groups={NormNumGroups} groups");
        if (ActFn != "silu") Fail("act_fn", $"'{ActFn}' is not supported (supported: silu)");
        if (!(ScalingFactor > 0) || double.IsInfinity(ScalingFactor)) Fail("scaling_factor", $"must be a positive number (got {ScalingFactor})");
        if (ShiftFactor is double shift && !double.IsFinite(shift)) Fail("shift_factor", $"must be a finite number (got {shift})");
        if (LatentsMean is { } mean && mean.Length != LatentChannels) Fail("latents_mean", $"has {mean.Length} entries but latent_channels is {LatentChannels}");
        if (LatentsStd is { } std && std.Length != LatentChannels) Fail("latents_std", $"has {std.Length} entries but latent_channels is {LatentChannels}");
        if (LatentsStd is { } stds && stds.Any(s => !(s > 0))) Fail("latents_std", "every entry must be positive");
    }
}
