using System.Text.Json;
using System.Text.Json.Nodes;
using Diffuse.Models;
using Diffuse.Schedules;
using TorchSharp;

namespace Diffuse.IO;

/// <summary>
/// A model saved in diffusers' pipeline layout: <c>model_index.json</c>, <c>unet/config.json</c>,
/// <c>unet/diffusion_pytorch_model.safetensors</c>, <c>scheduler/scheduler_config.json</c>.
/// A UNet2DModel folder loads in diffusers' <c>DDPMPipeline.from_pretrained</c>; a 2-D toy model uses
/// the same layout with <c>_class_name</c> ToyMlp (ours only).
/// </summary>
public static class PipelineFolder
{
    public const string ModelIndexFile = "model_index.json";
    public const string UNetFolder = "unet";
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "diffusion_pytorch_model.safetensors";
    public const string SchedulerFolder = "scheduler";
    public const string SchedulerConfigFile = "scheduler_config.json";

    /// <summary>Writes the folder's files, each atomically. For a whole-folder swap see <see cref="FolderSwap"/>.</summary>
    public static void Save(string folder, torch.nn.Module model, SchedulerConfig scheduler)
    {
        var unet = Path.Combine(folder, UNetFolder);
        Directory.CreateDirectory(unet);
        string library, className;
        switch (model)
        {
            case UNet2DModel m: m.Config.Save(Path.Combine(unet, ConfigFile)); (library, className) = ("diffusers", "UNet2DModel"); break;
            case ToyMlp m: m.Config.Save(Path.Combine(unet, ConfigFile)); (library, className) = ("diffuse", "ToyMlp"); break;
            default: throw new ArgumentException($"cannot save a {model.GetType().Name}");
        }
        SafetensorsWeights.Save(model, Path.Combine(unet, WeightsFile));
        scheduler.Save(Path.Combine(folder, SchedulerFolder, SchedulerConfigFile));
        var index = new JsonObject
        {
            ["_class_name"] = "DDPMPipeline",
            ["_diffusers_version"] = "0.31.0",
            ["scheduler"] = new JsonArray("diffusers", scheduler.ClassName ?? "DDPMScheduler"),
            ["unet"] = new JsonArray(library, className),
        };
        AtomicFile.WriteAllText(Path.Combine(folder, ModelIndexFile), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Loads the denoiser and scheduler config, checking every file before any weight is used.</summary>
    public static (torch.nn.Module Model, SchedulerConfig Scheduler) Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new DiffuseException($"model folder '{folder}' not found");
        var configPath = Path.Combine(folder, UNetFolder, ConfigFile);
        if (!File.Exists(configPath)) throw new DiffuseException($"{folder}: not a model folder: {UNetFolder}/{ConfigFile} is missing");
        var weightsPath = Path.Combine(folder, UNetFolder, WeightsFile);
        if (!File.Exists(weightsPath)) throw new DiffuseException($"{folder}: {UNetFolder}/{WeightsFile} is missing");
        var schedulerPath = Path.Combine(folder, SchedulerFolder, SchedulerConfigFile);
        if (!File.Exists(schedulerPath)) throw new DiffuseException($"{folder}: {SchedulerFolder}/{SchedulerConfigFile} is missing");
        var scheduler = SchedulerConfig.Load(schedulerPath);

        torch.nn.Module model = ReadClassName(configPath) switch
        {
            "ToyMlp" => new ToyMlp(ToyMlpConfig.Load(configPath)),
            _ => new UNet2DModel(UNet2DConfig.Load(configPath)),
        };
        try { SafetensorsWeights.LoadInto(model, weightsPath); }
        catch { model.Dispose(); throw; }
        model.eval();
        return (model, scheduler);
    }

    private static string? ReadClassName(string configPath)
    {
        try { return JsonNode.Parse(File.ReadAllText(configPath))?["_class_name"]?.GetValue<string>(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new DiffuseException($"{configPath}: not valid JSON: {e.Message.Split('\n')[0]}");
        }
    }
}
