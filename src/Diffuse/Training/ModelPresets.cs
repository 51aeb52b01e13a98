using Diffuse.Models;

namespace Diffuse.Training;

/// <summary>
/// Named model sizes for <c>diffuse train --model</c>. All are diffusers UNet2DModel configs with the
/// image's channel count and size filled in.
/// </summary>
public static class ModelPresets
{
    public const string Tiny = "tiny";
    public const string Default = "default";
    public const string Small = "small";
    public const string Medium = "medium";

    /// <summary>DiT, patch 2 (196 tokens at 28×28): width 128 (4 heads of 32), 3 blocks, about the default UNet's parameter count.</summary>
    public const string DiT = "dit";

    /// <summary>DiT with 4×4 patches (49 tokens at 28×28): 4× fewer tokens, the same blocks.</summary>
    public const string DiTPatch4 = "dit-p4";

    public static IReadOnlyList<string> Names { get; } = [Tiny, Default, Medium, Small, DiT, DiTPatch4];

    /// <summary>True for the presets that build a diffusion transformer instead of a UNet.</summary>
    public static bool IsTransformer(string preset) => preset is DiT or DiTPatch4;

    /// <summary>
    /// A DiTTransformer2DModel config for images of <paramref name="channels"/> × <paramref name="size"/>²: one output
    /// per input channel (no learned variance), adaLN-Zero with K + 1 class rows (K = 1 for an unconditional model,
    /// which only ever sees its null class).
    /// </summary>
    public static DiTTransformer2DConfig Transformer(string preset, int channels, int size, int? numClasses = null)
    {
        int patch = preset switch
        {
            DiT => 2,
            DiTPatch4 => 4,
            _ => throw new DiffuseException($"'{preset}' is not a transformer preset (expected {DiT}, {DiTPatch4})"),
        };
        if (size % patch != 0) throw new DiffuseArgumentException("image_size", $"{size} is not a multiple of the {preset} patch size {patch}");
        return new DiTTransformer2DConfig
        {
            SampleSize = size, PatchSize = patch, InChannels = channels, OutChannels = channels,
            NumAttentionHeads = 4, AttentionHeadDim = 32, NumLayers = 3, NumEmbedsAdaNorm = numClasses ?? 1,
        };
    }

    /// <param name="numClasses">for a class-conditional model: K classes plus one "null" class K for guidance.</param>
    /// <param name="superresScale">for a super-resolution model: the upsampled low-resolution image comes in as C more channels.</param>
    public static UNet2DConfig UNet(string preset, int channels, int size, int? numClasses = null, int? superresScale = null)
    {
        (int[] blocks, int layers, bool attention) = preset switch
        {
            // tiny: the interop case's shape; quick smoke runs.
            Tiny => (new[] { 32, 64 }, 1, false),
            // default: three levels (28 → 14 → 7) and no attention: at 28x28 the 7x7 bottleneck already
            // sees the whole garment, and attention costs more time per step than it buys here.
            Default => (new[] { 32, 64, 64 }, 1, false),
            // medium: the default's shape at twice its widths (about 4× the parameters and the multiply-adds).
            Medium => (new[] { 64, 128, 128 }, 1, false),
            // small: ../shared/perf's "small" net, two ResNet blocks a level, self-attention in the middle.
            Small => (new[] { 64, 128, 128 }, 2, true),
            _ => throw new DiffuseException($"unknown model preset '{preset}' (expected {string.Join(", ", Names)})"),
        };
        return new UNet2DConfig
        {
            SampleSize = size,
            InChannels = superresScale is null ? channels : 2 * channels,
            OutChannels = channels,
            BlockOutChannels = blocks,
            LayersPerBlock = layers,
            DownBlockTypes = blocks.Select(_ => "DownBlock2D").ToArray(),
            UpBlockTypes = blocks.Select(_ => "UpBlock2D").ToArray(),
            NormNumGroups = 8,
            AddAttention = attention,
            // K classes and one more, K, that the pipeline calls the null class (label dropout for guidance).
            NumClassEmbeds = numClasses + 1,
        };
    }

    /// <summary>
    /// A text-conditioned UNet for <c>--task text-to-image</c>: the preset's widths, cross-attention to the prompt (of
    /// width <paramref name="crossAttentionDim"/>) at every level but the full-resolution one, where self-attention
    /// over every pixel would cost more than it buys; two levels for small latents (≤ 8 wide), three for pixels.
    /// </summary>
    public static UNet2DConditionConfig UNet2DCondition(string preset, int channels, int size, int crossAttentionDim)
    {
        int[] widths = preset switch
        {
            Tiny => [32, 64, 64],
            Default => [64, 96, 128],
            Small => [64, 128, 192],
            _ => throw new DiffuseException($"unknown model preset '{preset}' (expected {string.Join(", ", Names)})"),
        };
        int[] blocks = size <= 8 ? widths[1..] : widths;
        var down = blocks.Select((_, i) => i == 0 && blocks.Length == 3 ? "DownBlock2D" : "CrossAttnDownBlock2D").ToArray();
        var up = down.Reverse().Select(t => t == "DownBlock2D" ? "UpBlock2D" : "CrossAttnUpBlock2D").ToArray();
        return new UNet2DConditionConfig
        {
            SampleSize = size,
            InChannels = channels,
            OutChannels = channels,
            BlockOutChannels = blocks,
            LayersPerBlock = 1,
            DownBlockTypes = down,
            UpBlockTypes = up,
            NormNumGroups = 16,
            CrossAttentionDim = crossAttentionDim,
            AttentionHeadDim = 4,
        };
    }

    public static ToyMlpConfig Toy() => new();
}
