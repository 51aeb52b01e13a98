using System.Text.Json.Nodes;
using Diffuse.Models;
using Diffuse.Schedules;
using Diffuse.Schedulers;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// Super-resolution by SR3 (Saharia et al. 2021): a <see cref="UNet2DModel"/> with in_channels = 2·out_channels
/// that sees the noisy high-resolution image and the low-resolution one, upsampled bicubically, side by side. diffusers'
/// upscale pipeline is for latent models, so the folder names ours, <c>DiffuseSuperResolutionPipeline</c>, with
/// <c>superres_scale</c> beside the components.
/// </summary>
public sealed class SuperResolutionPipeline : DiffusionPipeline
{
    public const string PipelineClassName = "DiffuseSuperResolutionPipeline";
    public const string ScaleKey = "superres_scale";

    public SuperResolutionPipeline(UNet2DModel unet, SchedulerConfig scheduler, int scale, Device? device = null,
                                   ScalarType dtype = ScalarType.Float32)
        : base(unet, scheduler, device, dtype)
    {
        var c = unet.Config;
        if (scale < 2) throw new DiffuseException($"{ScaleKey} must be 2 or more (got {scale})");
        if (c.InChannels != 2 * c.OutChannels)
            throw new DiffuseException($"a super-resolution UNet takes its image and the upsampled low-resolution one: in_channels must be 2·out_channels (got {c.InChannels} and {c.OutChannels})");
        if (c.SampleSize % scale != 0) throw new DiffuseException($"{ScaleKey}: sample_size {c.SampleSize} is not divisible by {scale}");
        UNet = unet;
        Scale = scale;
    }

    public UNet2DModel UNet { get; }

    /// <summary>How many times larger the output is than the input.</summary>
    public int Scale { get; }

    /// <summary>The size of the low-resolution images it takes.</summary>
    public int LowResolutionSize => UNet.Config.SampleSize / Scale;

    public override string ClassName => PipelineClassName;

    public override long[] SampleShape => [UNet.Config.OutChannels, UNet.Config.SampleSize, UNet.Config.SampleSize];

    public override bool GeneratesFromNoise => false;

    protected override IReadOnlyDictionary<string, JsonNode> Settings => new Dictionary<string, JsonNode> { [ScaleKey] = Scale };

    public override IReadOnlyList<(string Name, string Value)> Describe() =>
        [.. base.Describe(), ("super-resolution", $"×{Scale}: {LowResolutionSize}×{LowResolutionSize} → {UNet.Config.SampleSize}×{UNet.Config.SampleSize}")];

    /// <summary>
    /// <paramref name="lowResolution"/> [B, C, h, w] in [−1, 1] brought to [B, C, h·scale, w·scale]; with
    /// <paramref name="average"/> &gt; 1, the mean of that many samples per image (the posterior mean's estimate).
    /// </summary>
    public Tensor Upscale(Tensor lowResolution, GenerationOptions options, int average = 1, Action<DenoisingStep>? onStep = null,
                          CancellationToken cancellationToken = default)
    {
        CheckOptions(options);
        if (options.Classes is not null || GuidanceScaleOf(options) != 1)
            throw new DiffuseArgumentException("guidance_scale", "does not apply: a super-resolution model is conditioned on its image only");
        int low = LowResolutionSize;
        if (lowResolution.dim() != 4 || lowResolution.shape[1] != UNet.Config.OutChannels || lowResolution.shape[2] != low || lowResolution.shape[3] != low)
            throw new DiffuseArgumentException("image", $"is [{string.Join(", ", lowResolution.shape)}] but this ×{Scale} model upscales [N, {UNet.Config.OutChannels}, {low}, {low}] images (to {UNet.Config.SampleSize}×{UNet.Config.SampleSize})");
        using IScheduler scheduler = CreateScheduler(options);
        using var generator = new Generator().manual_seed(options.Seed);
        using var onDevice = OnDevice(lowResolution);
        return ToCpu(SuperResolution.Upscale(Denoiser, scheduler, onDevice, Scale, options.Steps, generator, average, onStep, cancellationToken));
    }
}
