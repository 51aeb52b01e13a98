using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Benchmarks;

/// <summary>
/// Stable Diffusion 1.5's UNet as ../shared/perf/sd15-cpu.md times it on PyTorch: the released config with random
/// weights, batch 2 (the prompt and the empty prompt of classifier-free guidance), 77×768 text states, in float32 and
/// bfloat16, at 64×64 latents (512×512 images) and 32×32 (256×256). The names are the reference script's configs
/// (<c>unet64-fp32</c>, ...) with <c>sd15-</c> before them. Each takes minutes and 2–6 GB, so no default run includes them.
/// </summary>
public static class StableDiffusionCases
{
    public const string UNet64Float32 = "sd15-unet64-fp32";
    public const string UNet64BFloat16 = "sd15-unet64-bf16";
    public const string UNet32Float32 = "sd15-unet32-fp32";
    public const string UNet32BFloat16 = "sd15-unet32-bf16";

    public static IReadOnlyList<string> Names { get; } = [UNet64Float32, UNet64BFloat16, UNet32Float32, UNet32BFloat16];

    public static bool Contains(string name) => Names.Contains(name);

    /// <summary>runwayml/stable-diffusion-v1-5 unet/config.json, verbatim.</summary>
    public const string UNetConfigJson = """
        {
          "_class_name": "UNet2DConditionModel",
          "_diffusers_version": "0.6.0",
          "act_fn": "silu",
          "attention_head_dim": 8,
          "block_out_channels": [320, 640, 1280, 1280],
          "center_input_sample": false,
          "cross_attention_dim": 768,
          "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
          "downsample_padding": 1,
          "flip_sin_to_cos": true,
          "freq_shift": 0,
          "in_channels": 4,
          "layers_per_block": 2,
          "mid_block_scale_factor": 1,
          "norm_eps": 1e-05,
          "norm_num_groups": 32,
          "out_channels": 4,
          "sample_size": 64,
          "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]
        }
        """;

    public static UNet2DConditionConfig UNetConfig() => UNet2DConditionConfig.Parse(UNetConfigJson, "runwayml/stable-diffusion-v1-5 unet/config.json");

    public static DenoiserCase Get(string name) => name switch
    {
        UNet64Float32 => UNet(name, 64, ScalarType.Float32),
        UNet64BFloat16 => UNet(name, 64, ScalarType.BFloat16),
        UNet32Float32 => UNet(name, 32, ScalarType.Float32),
        UNet32BFloat16 => UNet(name, 32, ScalarType.BFloat16),
        _ => throw new DiffuseException($"unknown Stable Diffusion bench case '{name}' (expected {string.Join(", ", Names)})"),
    };

    private static DenoiserCase UNet(string name, int side, ScalarType dtype) => new(
        name, $"SD 1.5 UNet, batch 2 (guidance), latents 4×{side}×{side} ({8 * side}×{8 * side} image), 77×768 text states, {InferenceDTypes.Name(dtype)}",
        UNetConfig(), side, 2, 77, dtype);
}
