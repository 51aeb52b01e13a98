using Diffuse.Models;
using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// Unconditional image generation, as diffusers' <c>DDPMPipeline</c> (and <c>DDIMPipeline</c>, which holds the same
/// two components): a <see cref="UNet2DModel"/> and a scheduler. The folder loads in diffusers as it is.
/// </summary>
public sealed class DdpmPipeline : DiffusionPipeline
{
    public const string DiffusersClassName = "DDPMPipeline";

    public DdpmPipeline(UNet2DModel unet, SchedulerConfig scheduler, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(unet, scheduler, device, dtype)
    {
        UNet = unet;
    }

    public UNet2DModel UNet { get; }

    public override string ClassName => DiffusersClassName;

    public override long[] SampleShape => [UNet.Config.InChannels, UNet.Config.SampleSize, UNet.Config.SampleSize];
}
