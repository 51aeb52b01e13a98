using Diffuse.Formats;
using Diffuse.Schedules;
using TorchSharp;

namespace Diffuse.Folders;

/// <summary>
/// A model saved in diffusers' pipeline layout: <c>model_index.json</c>, <c>unet/config.json</c>,
/// <c>unet/diffusion_pytorch_model.safetensors</c>, <c>scheduler/scheduler_config.json</c>.
/// A UNet2DModel folder loads in diffusers' <c>DDPMPipeline.from_pretrained</c>; a 2-D toy model uses
/// the same layout with <c>_class_name</c> ToyMlp (ours only). Loading also accepts a bare model folder
/// (<c>config.json</c> and weights, as <c>UNet2DModel.save_pretrained</c> writes it); see <see cref="Load"/>.
/// </summary>
public static class PipelineFolder
{
    public const string ModelIndexFile = "model_index.json";
    public const string UNetFolder = "unet";
    public const string ConfigFile = ModelFolder.ConfigFile;
    public const string WeightsFile = ModelFolder.SafetensorsFile;
    public const string SchedulerFolder = "scheduler";
    public const string SchedulerConfigFile = "scheduler_config.json";

    /// <summary>Writes the folder's files, each atomically. For a whole-folder swap see <see cref="FolderSwap"/>.</summary>
    public static void Save(string folder, torch.nn.Module model, SchedulerConfig scheduler)
    {
        var entry = ModelFolder.IndexEntry(model);
        ModelFolder.Save(Path.Combine(folder, UNetFolder), model);
        scheduler.Save(Path.Combine(folder, SchedulerFolder, SchedulerConfigFile));
        ModelIndex.Save(Path.Combine(folder, ModelIndexFile), scheduler.ClassName ?? "DDPMScheduler", entry);
    }

    /// <summary>
    /// Loads the denoiser and scheduler config, checking every file before any weight is used.
    /// A bare model folder (<c>config.json</c> directly inside) takes the scheduler of the pipeline it
    /// sits in when it is that pipeline's <c>unet/</c>, and diffusers' DDPMScheduler defaults otherwise.
    /// </summary>
    public static (torch.nn.Module Model, SchedulerConfig Scheduler) Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new DiffuseException($"model folder '{folder}' not found");
        var unet = Path.Combine(folder, UNetFolder);
        if (!Directory.Exists(unet) && File.Exists(Path.Combine(folder, ConfigFile))) return LoadBareModel(folder);

        if (!File.Exists(Path.Combine(unet, ConfigFile))) throw new DiffuseException($"{folder}: not a model folder: {UNetFolder}/{ConfigFile} is missing");
        ModelFolder.CheckFiles(unet);
        var schedulerPath = Path.Combine(folder, SchedulerFolder, SchedulerConfigFile);
        if (!File.Exists(schedulerPath)) throw new DiffuseException($"{folder}: {SchedulerFolder}/{SchedulerConfigFile} is missing");
        var indexPath = Path.Combine(folder, ModelIndexFile);
        if (File.Exists(indexPath)) ModelIndex.Check(indexPath);
        var scheduler = SchedulerConfig.Load(schedulerPath);
        return (ModelFolder.Load(unet), scheduler);
    }

    private static (torch.nn.Module Model, SchedulerConfig Scheduler) LoadBareModel(string folder)
    {
        ModelFolder.CheckFiles(folder);
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetFileName(full) == UNetFolder ? Path.GetDirectoryName(full) : null;
        var pipelineScheduler = parent is null ? null : Path.Combine(parent, SchedulerFolder, SchedulerConfigFile);
        var scheduler = pipelineScheduler is not null && File.Exists(pipelineScheduler)
            ? SchedulerConfig.Load(pipelineScheduler)
            : new SchedulerConfig { ClassName = "DDPMScheduler" };
        return (ModelFolder.Load(folder), scheduler);
    }
}
