using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedules;
using TorchSharp;

namespace Diffuse.Tests;

/// <summary>
/// Saves a test's network as the pipeline it would be trained as: a ToyMlp makes points, a UNet with class embeddings
/// is class-conditional (its last embedding the null class), one given a super-resolution scale is SR3, any other
/// UNet is a DDPMPipeline. The test keeps owning (and disposes) the network.
/// </summary>
static class TestPipelines
{
    public static DiffusionPipeline For(torch.nn.Module network, SchedulerConfig scheduler, int? superresScale = null) => network switch
    {
        ToyMlp toy => new PointCloudPipeline(toy, scheduler),
        UNet2DModel unet when superresScale is int scale => new SuperResolutionPipeline(unet, scheduler, scale),
        UNet2DModel { Config.NumClassEmbeds: int embeddings } unet => new ClassConditionalPipeline(unet, scheduler, nullClass: embeddings - 1),
        UNet2DModel unet => new DdpmPipeline(unet, scheduler),
        _ => throw new ArgumentException($"no pipeline for a {network.GetType().Name}"),
    };

    public static void Save(string folder, torch.nn.Module network, SchedulerConfig scheduler, int? superresScale = null) =>
        For(network, scheduler, superresScale).Save(folder);
}
