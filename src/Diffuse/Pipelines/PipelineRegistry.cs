using Diffuse.Folders;
using Diffuse.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// Which pipeline a folder makes, by <c>model_index.json</c>'s <c>_class_name</c>, in one table. A new pipeline kind
/// is one class plus one line here. Folders written before the task was recorded there (all said DDPMPipeline and kept
/// <c>null_class</c> or <c>superres_scale</c> in the UNet's config, or held a ToyMlp) are read by <see cref="LegacyClassName"/>.
/// </summary>
public static class PipelineRegistry
{
    static readonly Dictionary<string, Func<PipelineFolderContents, Device?, ScalarType, DiffusionPipeline>> Pipelines = new()
    {
        [DdpmPipeline.DiffusersClassName] = (c, d, t) => new DdpmPipeline(UNet(c), c.Scheduler, d, t),
        ["DDIMPipeline"] = (c, d, t) => new DdpmPipeline(UNet(c), c.Scheduler, d, t),
        [StableDiffusionPipeline.DiffusersClassName] = StableDiffusionPipeline.FromFolder,
        [ClassConditionalPipeline.PipelineClassName] = (c, d, t) =>
            new ClassConditionalPipeline(UNet(c), c.Scheduler, Setting(c, ClassConditionalPipeline.NullClassKey), d, t),
        [SuperResolutionPipeline.PipelineClassName] = (c, d, t) =>
            new SuperResolutionPipeline(UNet(c), c.Scheduler, Setting(c, SuperResolutionPipeline.ScaleKey), d, t),
        [PointCloudPipeline.PipelineClassName] = (c, d, t) => new PointCloudPipeline(Network<ToyMlp>(c), c.Scheduler, d, t),
        [StableDiffusionPipeline.PixelClassName] = StableDiffusionPipeline.FromFolder,
        [DiTPipeline.DiffusersClassName] = DiTPipeline.FromFolder,
        [StableDiffusion3Pipeline.DiffusersClassName] = StableDiffusion3Pipeline.FromFolder,
    };

    public static IReadOnlyCollection<string> ClassNames => Pipelines.Keys;

    /// <summary>Builds the pipeline; on any failure the network is disposed and the error names the folder.</summary>
    public static DiffusionPipeline Create(PipelineFolderContents contents, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        try
        {
            var className = LegacyClassName(contents) ?? contents.Index?.ClassName ?? DdpmPipeline.DiffusersClassName;
            if (!Pipelines.TryGetValue(className, out var create))
                throw new DiffuseException($"{contents.Folder}: pipeline '{className}' is not supported (supported: {string.Join(", ", Pipelines.Keys)})");
            return create(contents, device, dtype);
        }
        catch
        {
            contents.Network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The pipeline class of a folder from before the task was recorded in <c>model_index.json</c>: a ToyMlp makes
    /// points; a UNet config with <c>superres_scale</c> or <c>null_class</c> is super-resolution or class-conditional.
    /// Null for current folders.
    /// </summary>
    static string? LegacyClassName(PipelineFolderContents c)
    {
        if (c.Index is { ClassName: not DdpmPipeline.DiffusersClassName }) return null;
        return c.Network switch
        {
            ToyMlp => PointCloudPipeline.PipelineClassName,
            UNet2DModel u when u.Config.LegacySetting(SuperResolutionPipeline.ScaleKey) is not null => SuperResolutionPipeline.PipelineClassName,
            UNet2DModel u when u.Config.LegacySetting(ClassConditionalPipeline.NullClassKey) is not null => ClassConditionalPipeline.PipelineClassName,
            _ => null,
        };
    }

    static int Setting(PipelineFolderContents c, string key)
    {
        var indexPath = Path.Combine(c.Folder, PipelineFolder.ModelIndexFile);
        if (c.Index?.IntSetting(key, indexPath) is int value) return value;
        if (c.Network is UNet2DModel u && u.Config.LegacySetting(key) is int legacy) return legacy;
        throw new DiffuseException($"{indexPath}: {key} is missing");
    }

    static UNet2DModel UNet(PipelineFolderContents c) => Network<UNet2DModel>(c);

    static T Network<T>(PipelineFolderContents c) where T : nn.Module => c.Network as T
        ?? throw new DiffuseException($"{c.Folder}: this pipeline needs a {typeof(T).Name}, the folder holds a {c.Network.GetType().Name}");
}
