using Diffuse.Models;
using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// Points of a 2-D toy distribution (moons, rings, ...) from a <see cref="ToyMlp"/>: ours only, named
/// <c>DiffusePointCloudPipeline</c> in <c>model_index.json</c>. Its samples are [N, D] points; they save as a scatter plot.
/// </summary>
public sealed class PointCloudPipeline : DiffusionPipeline
{
    public const string PipelineClassName = "DiffusePointCloudPipeline";

    public PointCloudPipeline(ToyMlp network, SchedulerConfig scheduler, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(network, scheduler, device, dtype)
    {
        Mlp = network;
    }

    public ToyMlp Mlp { get; }

    public override string ClassName => PipelineClassName;

    public override long[] SampleShape => [Mlp.Config.InFeatures];

    protected override int DefaultCount(GenerationOptions options) => 2000;
}
