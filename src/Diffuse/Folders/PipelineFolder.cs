using Diffuse.Schedules;
using TorchSharp;

namespace Diffuse.Folders;

/// <summary>
/// A model saved in diffusers' pipeline layout: <c>model_index.json</c>, <c>unet/config.json</c>,
/// <c>unet/diffusion_pytorch_model.safetensors</c>, <c>scheduler/scheduler_config.json</c>. Loading also accepts a
/// training run's folder (its <c>model/</c>) and a bare model folder (<c>config.json</c> and weights, as
/// <c>UNet2DModel.save_pretrained</c> writes it); see <see cref="Read"/>. Every file is checked before any weight is
/// used. Which pipeline the contents make is the pipelines' business (<c>DiffusionPipeline.Load</c>).
/// </summary>
public static class PipelineFolder
{
    public const string ModelIndexFile = "model_index.json";
    public const string UNetFolder = "unet";

    /// <summary>Where a transformer denoiser (DiT, SD3's MMDiT) sits in a pipeline folder, as diffusers names it.</summary>
    public const string TransformerFolder = "transformer";
    public const string ConfigFile = ModelFolder.ConfigFile;
    public const string WeightsFile = ModelFolder.SafetensorsFile;
    public const string SchedulerFolder = "scheduler";
    public const string SchedulerConfigFile = "scheduler_config.json";

    /// <summary>The folder a training run writes its final model to.</summary>
    public const string RunModelFolder = "model";

    /// <summary>Writes the folder's files, each atomically. For a whole-folder swap see <see cref="Formats.FolderSwap"/>.</summary>
    public static void Save(string folder, string pipelineClass, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode> settings,
                            torch.nn.Module model, SchedulerConfig scheduler,
                            IReadOnlyDictionary<string, (string Library, string ClassName)>? otherComponents = null)
    {
        var entry = ModelFolder.IndexEntry(model);
        var denoiserFolder = DenoiserFolderFor(entry.ClassName);
        ModelFolder.Save(Path.Combine(folder, denoiserFolder), model);
        scheduler.Save(Path.Combine(folder, SchedulerFolder, SchedulerConfigFile));
        var components = new Dictionary<string, (string, string)>
        {
            [SchedulerFolder] = ("diffusers", scheduler.ClassName ?? "DDPMScheduler"),
            [denoiserFolder] = entry,
        };
        foreach (var (name, component) in otherComponents ?? new Dictionary<string, (string, string)>()) components[name] = component;
        new ModelIndex(pipelineClass, settings, components).Save(Path.Combine(folder, ModelIndexFile));
    }

    /// <summary>The component folder a denoiser of this class is saved in: <c>transformer/</c> for the diffusion transformers, else <c>unet/</c>.</summary>
    public static string DenoiserFolderFor(string className) =>
        className.EndsWith("Transformer2DModel", StringComparison.Ordinal) ? TransformerFolder : UNetFolder;

    /// <summary>
    /// The pipeline folder <paramref name="path"/> means: itself, or a training run's <c>model/</c> when the path is
    /// the run's folder.
    /// </summary>
    public static string Resolve(string path)
    {
        if (!Directory.Exists(path)) throw new DiffuseException($"model folder '{path}' not found");
        bool isModel = File.Exists(Path.Combine(path, ModelIndexFile)) || Directory.Exists(Path.Combine(path, UNetFolder))
                       || Directory.Exists(Path.Combine(path, TransformerFolder))
                       || File.Exists(Path.Combine(path, ConfigFile));
        var runModel = Path.Combine(path, RunModelFolder);
        if (!isModel && Directory.Exists(runModel)) return runModel;
        return path;
    }

    /// <summary>
    /// Loads the network and scheduler config, and the index when there is one. A bare model folder takes the
    /// scheduler of the pipeline it sits in when it is that pipeline's <c>unet/</c>, and diffusers' DDPMScheduler
    /// defaults otherwise.
    /// </summary>
    public static PipelineFolderContents Read(string path, torch.Device? device = null)
    {
        var folder = Resolve(path);
        // The denoiser: unet/, or transformer/ for a diffusion transformer (DiT, SD3).
        var unet = Path.Combine(folder, UNetFolder);
        string denoiserKey = UNetFolder;
        if (!Directory.Exists(unet) && Directory.Exists(Path.Combine(folder, TransformerFolder)))
            (unet, denoiserKey) = (Path.Combine(folder, TransformerFolder), TransformerFolder);
        if (!Directory.Exists(unet) && File.Exists(Path.Combine(folder, ConfigFile))) return ReadBareModel(folder, device);

        if (!File.Exists(Path.Combine(unet, ConfigFile)))
        {
            var hint = Directory.Exists(Path.Combine(folder, "checkpoint-000000")) || Directory.EnumerateDirectories(folder, "checkpoint-*").Any()
                ? " (a training run that has not finished: pass one of its checkpoint-* folders)" : "";
            throw new DiffuseException($"{folder}: not a model folder: {UNetFolder}/{ConfigFile} is missing{hint}");
        }
        ModelFolder.CheckFiles(unet);
        var schedulerPath = Path.Combine(folder, SchedulerFolder, SchedulerConfigFile);
        if (!File.Exists(schedulerPath)) throw new DiffuseException($"{folder}: {SchedulerFolder}/{SchedulerConfigFile} is missing");
        var indexPath = Path.Combine(folder, ModelIndexFile);
        var index = File.Exists(indexPath) ? ModelIndex.Load(indexPath) : null;
        if (index is not null && index.Components.TryGetValue(denoiserKey, out var entry) && !ModelFolder.DenoiserClassNames.Contains(entry.ClassName))
            throw new DiffuseException($"{indexPath}: {denoiserKey}: '{entry.ClassName}' is not supported (supported: {string.Join(", ", ModelFolder.DenoiserClassNames)})");
        var scheduler = SchedulerConfig.Load(schedulerPath);
        return new PipelineFolderContents(folder, index, ModelFolder.Load(unet, device), scheduler);
    }

    private static PipelineFolderContents ReadBareModel(string folder, torch.Device? device)
    {
        ModelFolder.CheckFiles(folder);
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetFileName(full) is UNetFolder or TransformerFolder ? Path.GetDirectoryName(full) : null;
        var pipelineScheduler = parent is null ? null : Path.Combine(parent, SchedulerFolder, SchedulerConfigFile);
        var scheduler = pipelineScheduler is not null && File.Exists(pipelineScheduler)
            ? SchedulerConfig.Load(pipelineScheduler)
            : new SchedulerConfig { ClassName = "DDPMScheduler" };
        var parentIndex = parent is null ? null : Path.Combine(parent, ModelIndexFile);
        var index = parentIndex is not null && File.Exists(parentIndex) ? ModelIndex.Load(parentIndex) : null;
        return new PipelineFolderContents(folder, index, ModelFolder.Load(folder, device), scheduler);
    }
}
