using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffuse.Formats;
using Diffuse.Folders;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// A checkpoint folder <c>checkpoint-NNNNNN</c>: a diffusers pipeline folder holding the EMA weights
/// (so <c>diffuse sample</c> and diffusers can use it as is), plus <c>trainer/</c> with what an exact
/// resume needs: raw weights, AdamW moments, step, generator and global RNG states, and the config.
/// Written to a temporary folder and renamed into place, so a kill mid-write never damages an
/// earlier checkpoint.
/// </summary>
public static class TrainingCheckpoint
{
    public const string Prefix = "checkpoint-";
    private const string TrainerFolder = "trainer";
    private const string EmaFile = "ema.safetensors";

    public static string Save(Trainer trainer, string runFolder, double elapsedSeconds)
    {
        var folder = Path.Combine(runFolder, $"{Prefix}{trainer.Step:D6}");
        FolderSwap.Write(folder, temp =>
        {
            trainer.SaveModel(temp);
            var state = Path.Combine(temp, TrainerFolder);
            Directory.CreateDirectory(state);
            SafetensorsWeights.Save(trainer.Model, Path.Combine(state, "model.safetensors"));
            // The EMA weights as they are trained (the pipeline folder holds them too, but under its components' names).
            SafetensorsWeights.Save(trainer.EmaModel, Path.Combine(state, EmaFile));
            trainer.Optimizer.save_state_dict(Path.Combine(state, "optimizer.bin"));
            var rng = new Dictionary<string, Tensor>
            {
                ["generator"] = trainer.Generator.get_state(),
                ["torch"] = get_rng_state(),
            };
            Safetensors.SaveStateDict(Path.Combine(state, "rng.safetensors"), rng);
            var json = new JsonObject
            {
                ["step"] = trainer.Step,
                ["elapsed_seconds"] = elapsedSeconds,
                ["config"] = JsonNode.Parse(trainer.Config.ToJson()),
            };
            File.WriteAllText(Path.Combine(state, "state.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        });
        return folder;
    }

    /// <summary>The newest complete checkpoint in a run folder, or null if there is none.</summary>
    public static string? Latest(string runFolder) => All(runFolder).LastOrDefault();

    public static IReadOnlyList<string> All(string runFolder)
    {
        if (!Directory.Exists(runFolder)) return [];
        return Directory.GetDirectories(runFolder, Prefix + "*")
            .Where(d => !d.Contains(FolderSwap.TempMarker) && StepOf(d) is not null)
            .OrderBy(d => StepOf(d))
            .ToList();
    }

    /// <summary>Keeps the newest <paramref name="kept"/> checkpoints and deletes the older ones.</summary>
    public static void Prune(string runFolder, int kept)
    {
        var all = All(runFolder);
        foreach (var old in all.Take(Math.Max(0, all.Count - kept))) Directory.Delete(old, recursive: true);
    }

    public static TrainConfig ReadConfig(string checkpoint)
    {
        var state = ReadState(checkpoint);
        var config = state["config"]?.Deserialize<TrainConfig>()
                     ?? throw new DiffuseException($"{checkpoint}: trainer/state.json has no config");
        return config;
    }

    /// <summary>Restores weights, EMA, optimizer, step and RNG states into a trainer built from the same config.</summary>
    public static double Restore(Trainer trainer, string checkpoint)
    {
        var state = ReadState(checkpoint);
        var dir = Path.Combine(checkpoint, TrainerFolder);
        SafetensorsWeights.LoadInto(trainer.Model, Path.Combine(dir, "model.safetensors"));
        // Checkpoints written before trainer/ema.safetensors existed hold the EMA weights only in the pipeline's folders.
        var ema = Path.Combine(dir, EmaFile);
        if (File.Exists(ema)) SafetensorsWeights.LoadInto(trainer.EmaModel, ema);
        else if (trainer.EmaModel is TextToImageNetworks networks)
        {
            SafetensorsWeights.LoadInto(networks.UNet, Path.Combine(checkpoint, PipelineFolder.UNetFolder, PipelineFolder.WeightsFile));
            networks.TextEncoder.LoadWeights(Text.ClipTextModel.FindWeights(Path.Combine(checkpoint, Text.ClipTextEncoder.TextEncoderFolder)));
        }
        else
        {
            var emaFolder = PipelineFolder.DenoiserFolderFor(((Models.IDiffusersModel)trainer.EmaModel).ClassName);
            SafetensorsWeights.LoadInto(trainer.EmaModel, Path.Combine(checkpoint, emaFolder, PipelineFolder.WeightsFile));
        }
        var optimizerPath = Path.Combine(dir, "optimizer.bin");
        if (!File.Exists(optimizerPath)) throw new DiffuseException($"{checkpoint}: trainer/optimizer.bin is missing");
        trainer.Optimizer.load_state_dict(optimizerPath);
        var rng = SafetensorsWeights.Read(Path.Combine(dir, "rng.safetensors"));
        trainer.Generator.set_state(rng["generator"]);
        set_rng_state(rng["torch"]);
        trainer.RestoreStep(state["step"]!.GetValue<int>());
        return state["elapsed_seconds"]?.GetValue<double>() ?? 0;
    }

    private static JsonNode ReadState(string checkpoint)
    {
        var path = Path.Combine(checkpoint, TrainerFolder, "state.json");
        if (!File.Exists(path)) throw new DiffuseException($"{checkpoint}: not a training checkpoint (trainer/state.json is missing)");
        try { return JsonNode.Parse(File.ReadAllText(path)) ?? throw new DiffuseException($"{path}: empty"); }
        catch (JsonException e) { throw new DiffuseException($"{path}: not valid JSON: {e.Message.Split('\n')[0]}"); }
    }

    private static int? StepOf(string folder) =>
        int.TryParse(Path.GetFileName(folder)[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var step) ? step : null;
}
