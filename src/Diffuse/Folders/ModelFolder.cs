using Diffuse.Formats;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffuse.Models;
using TorchSharp;

namespace Diffuse.Folders;

/// <summary>
/// One model component folder as diffusers saves it (<c>ModelMixin.save_pretrained</c>): <c>config.json</c>
/// plus <c>diffusion_pytorch_model.safetensors</c>, or <c>diffusion_pytorch_model.bin</c> in checkpoints
/// from before safetensors. The model is built from the config and filled only after the whole weights
/// file has been read and checked against it.
/// </summary>
public static class ModelFolder
{
    public const string ConfigFile = "config.json";
    public const string SafetensorsFile = "diffusion_pytorch_model.safetensors";
    public const string PyTorchFile = "diffusion_pytorch_model.bin";

    public static void Save(string folder, torch.nn.Module model)
    {
        Directory.CreateDirectory(folder);
        switch (model)
        {
            case UNet2DModel m: m.Config.Save(Path.Combine(folder, ConfigFile)); break;
            case ToyMlp m: m.Config.Save(Path.Combine(folder, ConfigFile)); break;
            default: throw new ArgumentException($"cannot save a {model.GetType().Name}");
        }
        SafetensorsWeights.Save(model, Path.Combine(folder, SafetensorsFile));
    }

    /// <summary>The library and class <c>model_index.json</c> lists for <paramref name="model"/>.</summary>
    public static (string Library, string ClassName) IndexEntry(torch.nn.Module model) => model switch
    {
        UNet2DModel => ("diffusers", "UNet2DModel"),
        ToyMlp => ("diffuse", "ToyMlp"),
        _ => throw new ArgumentException($"cannot save a {model.GetType().Name}"),
    };

    /// <summary>The weights file a load would use: safetensors when present, else the PyTorch .bin.</summary>
    public static string FindWeights(string folder)
    {
        var safetensors = Path.Combine(folder, SafetensorsFile);
        if (File.Exists(safetensors)) return safetensors;
        var bin = Path.Combine(folder, PyTorchFile);
        if (File.Exists(bin)) return bin;
        if (File.Exists(safetensors + ".index.json") || File.Exists(bin + ".index.json"))
            throw new DiffuseException($"{folder}: weights split into shards (*.index.json) are not supported; save the model as one file");
        throw new DiffuseException($"{folder}: no weights: neither {SafetensorsFile} nor {PyTorchFile} is present");
    }

    /// <summary>Checks that the config and weights files exist and the config is valid; returns the weights path.</summary>
    public static string CheckFiles(string folder)
    {
        var configPath = Path.Combine(folder, ConfigFile);
        if (!File.Exists(configPath)) throw new DiffuseException($"{folder}: {ConfigFile} is missing");
        return FindWeights(folder);
    }

    public static torch.nn.Module Load(string folder)
    {
        var weightsPath = CheckFiles(folder);
        var configPath = Path.Combine(folder, ConfigFile);
        torch.nn.Module model = ReadClassName(configPath) switch
        {
            "ToyMlp" => new ToyMlp(ToyMlpConfig.Load(configPath)),
            _ => new UNet2DModel(UNet2DConfig.Load(configPath)),
        };
        try { ModelWeights.LoadInto(model, weightsPath); }
        catch { model.Dispose(); throw; }
        model.eval();
        return model;
    }

    private static string? ReadClassName(string configPath)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(configPath)); }
        catch (JsonException e) { throw new DiffuseException($"{configPath}: not valid JSON: {e.Message.Split('\n')[0]}"); }
        if (root is not JsonObject config) throw new DiffuseException($"{configPath}: not a JSON object");
        if (!config.TryGetPropertyValue("_class_name", out var name) || name is null) return null;
        return name is JsonValue value && value.TryGetValue(out string? text)
            ? text
            : throw new DiffuseException($"{configPath}: _class_name is not a string");
    }
}
