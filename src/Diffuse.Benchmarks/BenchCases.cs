using Diffuse.Models;
using Diffuse.Training;

namespace Diffuse.Benchmarks;

/// <summary>
/// The cases <c>diffuse bench</c> knows: the three model presets (timed with the real trainer on
/// 1-channel Fashion-MNIST images) and the four UNets of ../shared/perf/pytorch-cpu.md at 1×32×32
/// (timed with that file's method, so the figures compare with PyTorch's). <see cref="Names"/> is the default run;
/// the Stable Diffusion cases (<see cref="StableDiffusionCases"/>) are named on request.
/// </summary>
public static class BenchCases
{
    public const string PtTiny = "pt-tiny";
    public const string PtTinyNoAttention = "pt-tiny-noattn";
    public const string PtSmall = "pt-small";
    public const string PtSmallNoAttention = "pt-small-noattn";

    public static IReadOnlyList<string> Names { get; } =
        [ModelPresets.Tiny, ModelPresets.Default, ModelPresets.Small, PtTiny, PtTinyNoAttention, PtSmall, PtSmallNoAttention];

    /// <summary>What --quick runs.</summary>
    public static IReadOnlyList<string> QuickNames { get; } = [ModelPresets.Tiny, ModelPresets.Default];

    public static BenchCase Get(string name, int presetSize = 28) => name switch
    {
        ModelPresets.Tiny or ModelPresets.Default or ModelPresets.Small => new BenchCase(
            name, $"preset {name}, 1×{presetSize}×{presetSize}", ModelPresets.UNet(name, 1, presetSize), BenchMethod.Trainer, null) { Preset = name },
        // The reference medians: OpenBLAS run 1 / run 2 of ../shared/perf/pytorch-cpu.md's summary.
        PtTiny => Reference(name, "(32,64) x1, mid attention (= case tiny-gray)", [32, 64], 1, true, new([933, 1016], [350, 359])),
        PtTinyNoAttention => Reference(name, "(32,64) x1, add_attention=False", [32, 64], 1, false, new([657, 642], [207, 220])),
        PtSmall => Reference(name, "(64,128,128) x2, mid attention", [64, 128, 128], 2, true, new([4141, 4118], [1056, 993])),
        PtSmallNoAttention => Reference(name, "(64,128,128) x2, add_attention=False", [64, 128, 128], 2, false, new([4605, 4077], [1056, 1014])),
        _ => throw new DiffuseException($"unknown bench case '{name}' (expected {string.Join(", ", Names.Concat(StableDiffusionCases.Names))})"),
    };

    /// <summary>diffusers' UNet2DModel(sample_size=32, in/out 1 channel, DownBlock2D/UpBlock2D only, norm_num_groups=8).</summary>
    public static UNet2DConfig ReferenceConfig(int[] channels, int layers, bool attention) => new()
    {
        SampleSize = 32, InChannels = 1, OutChannels = 1, BlockOutChannels = channels, LayersPerBlock = layers,
        DownBlockTypes = channels.Select(_ => "DownBlock2D").ToArray(), UpBlockTypes = channels.Select(_ => "UpBlock2D").ToArray(),
        NormNumGroups = 8, AddAttention = attention,
    };

    private static BenchCase Reference(string name, string description, int[] channels, int layers, bool attention, PyTorchReference pytorch) =>
        new(name, $"perf {description}, 1×32×32", ReferenceConfig(channels, layers, attention), BenchMethod.PyTorchReference, pytorch);
}
