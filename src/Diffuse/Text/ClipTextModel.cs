using Diffuse.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Text;

/// <summary>
/// transformers' <c>CLIPTextModel</c>, the text encoder of Stable Diffusion 1.x and 2.x, with its weight names
/// (<c>text_model.embeddings.token_embedding.weight</c>, <c>text_model.encoder.layers.{i}.self_attn.q_proj.weight</c>,
/// ...). Loaded from a <c>text_encoder/</c> folder as transformers saves it: <c>config.json</c> and
/// <c>model.safetensors</c> or <c>pytorch_model.bin</c>; half-precision weights are widened to float32.
/// </summary>
public sealed class ClipTextModel : nn.Module<Tensor, Tensor?, ClipTextModelOutput>
{
    public const string ConfigFile = "config.json";
    public const string SafetensorsFile = "model.safetensors";
    public const string PyTorchFile = "pytorch_model.bin";

    /// <summary>A buffer (0..76) transformers saved in checkpoints until it became non-persistent; not a weight, skipped on load.</summary>
    public const string PositionIdsKey = "text_model.embeddings.position_ids";

    private readonly ClipTextTransformer text_model;

    public ClipTextConfig Config { get; }

    public ClipTextModel(ClipTextConfig config) : base(nameof(ClipTextModel))
    {
        config.Validate();
        Config = config;
        text_model = new ClipTextTransformer(config);
        RegisterComponents();
    }

    /// <inheritdoc cref="ClipTextTransformer.forward"/>
    public override ClipTextModelOutput forward(Tensor inputIds, Tensor? attentionMask = null) => text_model.forward(inputIds, attentionMask);

    /// <inheritdoc cref="ClipTextTransformer.FinalLayerNorm"/>
    public Tensor FinalLayerNorm(Tensor hidden) => text_model.FinalLayerNorm(hidden);

    /// <summary>The model of a <c>text_encoder/</c> folder, in eval mode, on <paramref name="device"/> (the CPU when null).</summary>
    public static ClipTextModel Load(string folder, Device? device = null)
    {
        if (!Directory.Exists(folder)) throw new DiffuseException($"{folder}: text encoder folder not found");
        var configPath = Path.Combine(folder, ConfigFile);
        if (!File.Exists(configPath)) throw new DiffuseException($"{folder}: {ConfigFile} is missing");
        var config = ClipTextConfig.Load(configPath);
        var weightsPath = FindWeights(folder);
        var model = new ClipTextModel(config);
        try { model.LoadWeights(weightsPath); }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        if (device is not null && device.type != DeviceType.CPU) model.to(device);
        return model;
    }

    /// <summary>
    /// Writes a <c>text_encoder/</c> folder as transformers' <c>save_pretrained</c> does: config.json (with
    /// <c>architectures</c> CLIPTextModel) and model.safetensors under transformers' key names.
    /// </summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        var extra = new Dictionary<string, System.Text.Json.JsonElement>(Config.Extra ?? []);
        extra["architectures"] = System.Text.Json.JsonSerializer.SerializeToElement(new[] { "CLIPTextModel" });
        extra["torch_dtype"] = System.Text.Json.JsonSerializer.SerializeToElement("float32");
        (Config with { Extra = extra }).Save(Path.Combine(folder, ConfigFile));
        Formats.SafetensorsWeights.Save(this, Path.Combine(folder, SafetensorsFile));
    }

    /// <summary>The weights file a load would use: safetensors when present, else the PyTorch .bin, else a shard index.</summary>
    public static string FindWeights(string folder) => ModelWeights.Find(folder, SafetensorsFile, PyTorchFile);

    /// <summary>Reads every weight of <paramref name="path"/>, checks all keys and shapes, and only then fills the model.</summary>
    public void LoadWeights(string path)
    {
        var weights = ModelWeights.Read(path);
        try
        {
            if (weights.Remove(PositionIdsKey, out var positionIds)) positionIds.Dispose();
            StateDictLoader.LoadInto(this, weights, path);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }
}
