using System.Text.Json.Nodes;
using Diffuse.Models;
using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// Class-conditional image generation with classifier-free guidance (Ho &amp; Salimans 2022): a
/// <see cref="UNet2DModel"/> with <c>num_class_embeds</c> = K + 1, trained with label dropout so that class K, the
/// <c>null_class</c>, means "no class". diffusers has no pipeline for this (its <c>DiTPipeline</c> is for transformers),
/// so the folder's <c>model_index.json</c> names ours, <c>DiffuseClassConditionalPipeline</c>, with <c>null_class</c>
/// beside the components; diffusers still loads the UNet with <c>UNet2DModel.from_pretrained(folder, subfolder="unet")</c>.
/// </summary>
public sealed class ClassConditionalPipeline : DiffusionPipeline
{
    public const string PipelineClassName = "DiffuseClassConditionalPipeline";
    public const string NullClassKey = "null_class";

    /// <summary>Samples a class row when no count is given.</summary>
    public const int PerRow = 8;

    public ClassConditionalPipeline(UNet2DModel unet, SchedulerConfig scheduler, int nullClass, Device? device = null,
                                    ScalarType dtype = ScalarType.Float32)
        : base(unet, scheduler, device, dtype)
    {
        if (unet.Config.NumClassEmbeds is not int embeddings)
            throw new DiffuseException($"a {PipelineClassName} needs a UNet with class embeddings (num_class_embeds)");
        if (nullClass < 0 || nullClass >= embeddings)
            throw new DiffuseException($"{NullClassKey} {nullClass} is not one of the UNet's num_class_embeds={embeddings} class embeddings");
        UNet = unet;
        NullClass = nullClass;
    }

    public UNet2DModel UNet { get; }

    /// <summary>The class index that means "no class"; the real classes are 0 … NullClass − 1.</summary>
    public int NullClass { get; }

    public int NumClasses => NullClass;

    public override int? ClassCount => NumClasses;

    public override string ClassName => PipelineClassName;

    public override long[] SampleShape => [UNet.Config.InChannels, UNet.Config.SampleSize, UNet.Config.SampleSize];

    protected override IReadOnlyDictionary<string, JsonNode> Settings => new Dictionary<string, JsonNode> { [NullClassKey] = NullClass };

    public override IReadOnlyList<(string Name, string Value)> Describe() => [.. base.Describe(), ("classes", $"{NumClasses} (null class {NullClass})")];

    protected override int DefaultCount(GenerationOptions options) => (options.Classes?.Count ?? NumClasses) * PerRow;

    protected override SampleConditioning Condition(GenerationOptions options, int count, bool editing) =>
        ClassRows.Condition(options, count, editing, NumClasses, NullClass, GuidanceScaleOf(options), Device);
}
