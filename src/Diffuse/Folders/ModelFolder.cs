using System.Text.Json;
using System.Text.Json.Nodes;
using Diffuse.Formats;
using Diffuse.Models;
using TorchSharp;

namespace Diffuse.Folders;

/// <summary>
/// One model component folder as diffusers saves it (<c>ModelMixin.save_pretrained</c>): <c>config.json</c>
/// plus <c>diffusion_pytorch_model.safetensors</c>, or <c>diffusion_pytorch_model.bin</c> in checkpoints
/// from before safetensors. The network is found by the config's <c>_class_name</c> in one table, built from the
/// config, and filled only after the whole weights file has been read and checked against it.
/// </summary>
public static class ModelFolder
{
    public const string ConfigFile = "config.json";
    public const string SafetensorsFile = "diffusion_pytorch_model.safetensors";
    public const string PyTorchFile = "diffusion_pytorch_model.bin";

    /// <summary>The networks this library builds, by <c>_class_name</c>. A new network is one line here.</summary>
    static readonly Dictionary<string, Func<string, torch.nn.Module>> Networks = new()
    {
        ["UNet2DModel"] = config => new UNet2DModel(UNet2DConfig.Load(config)),
        ["UNet2DConditionModel"] = config => new UNet2DConditionModel(UNet2DConditionConfig.Load(config)),
        ["ToyMlp"] = config => new ToyMlp(ToyMlpConfig.Load(config)),
        ["AutoencoderKL"] = config => new AutoencoderKL(AutoencoderKLConfig.Load(config)),
        [DiTTransformer2DConfig.DiffusersClassName] = config => new DiTTransformer2DModel(DiTTransformer2DConfig.Load(config)),
        [SD3Transformer2DConfig.DiffusersClassName] = config => new SD3Transformer2DModel(SD3Transformer2DConfig.Load(config)),
    };

    public static IReadOnlyCollection<string> ClassNames => Networks.Keys;

    /// <summary>Networks that are a pipeline's other components (a VAE), never its denoiser: not taken for a <c>unet/</c>.</summary>
    static readonly HashSet<string> ComponentsOnly = ["AutoencoderKL"];

    /// <summary>The networks a pipeline's <c>unet/</c> may hold: those that predict noise (<see cref="IDenoiser"/>s).</summary>
    public static IReadOnlyCollection<string> DenoiserClassNames => Networks.Keys.Where(n => !ComponentsOnly.Contains(n)).ToArray();

    public static void Save(string folder, torch.nn.Module model)
    {
        var described = Described(model);
        Directory.CreateDirectory(folder);
        described.SaveConfig(Path.Combine(folder, ConfigFile));
        SafetensorsWeights.Save(model, Path.Combine(folder, SafetensorsFile));
    }

    /// <summary>The library and class <c>model_index.json</c> lists for <paramref name="model"/>.</summary>
    public static (string Library, string ClassName) IndexEntry(torch.nn.Module model)
    {
        var described = Described(model);
        return (described.Library, described.ClassName);
    }

    /// <summary>The weights file a load would use: safetensors when present, else the PyTorch .bin, else a shard index.</summary>
    public static string FindWeights(string folder) => ModelWeights.Find(folder, SafetensorsFile, PyTorchFile);

    /// <summary>Checks that the config and weights files exist; returns the weights path.</summary>
    public static string CheckFiles(string folder)
    {
        var configPath = Path.Combine(folder, ConfigFile);
        if (!File.Exists(configPath)) throw new DiffuseException($"{folder}: {ConfigFile} is missing");
        return FindWeights(folder);
    }

    /// <summary>The network of the folder, in eval mode, on <paramref name="device"/> (the CPU when null).</summary>
    public static torch.nn.Module Load(string folder, torch.Device? device = null)
    {
        var weightsPath = CheckFiles(folder);
        var configPath = Path.Combine(folder, ConfigFile);
        // Configs without _class_name are taken for UNet2DModel, which validates the keys it needs.
        var className = ReadClassName(configPath) ?? "UNet2DModel";
        if (!Networks.TryGetValue(className, out var create))
            throw new DiffuseException($"{configPath}: _class_name '{className}' is not supported (supported: {string.Join(", ", Networks.Keys)})");
        var model = create(configPath);
        try { ModelWeights.LoadInto(model, weightsPath); }
        catch { model.Dispose(); throw; }
        model.eval();
        if (device is not null && device.type != DeviceType.CPU) model.to(device);
        return model;
    }

    static IDiffusersModel Described(torch.nn.Module model) => model as IDiffusersModel
        ?? throw new DiffuseException($"a {model.GetType().Name} cannot be saved as a diffusers model folder");

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
