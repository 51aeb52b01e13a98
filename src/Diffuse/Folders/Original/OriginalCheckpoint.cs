using System.Text.Json;
using System.Text.Json.Nodes;
using Diffuse.Formats;
using static TorchSharp.torch;

namespace Diffuse.Folders.Original;

/// <summary>
/// A Stable Diffusion checkpoint in the original single-file layout, as A1111 and ComfyUI users keep them
/// (<c>model.diffusion_model.*</c> UNet, <c>first_stage_model.*</c> VAE, <c>cond_stage_model.*</c> text encoder), read
/// into diffusers' component names and configs: what the tensors' names and shapes tell (channels, levels, where the
/// attention is, the text tower's family) over a baseline for the rest (attention heads, sample size, scaling
/// factor, the scheduler): a diffusers folder's configs when one is given, else the standard SD 1.x or 2.x ones.
/// Every tensor is placed or the whole file is refused; tensors are renamed, not copied.
/// </summary>
public sealed class OriginalCheckpoint : IDisposable
{
    public const string UNetPrefix = "model.diffusion_model.";
    public const string VaePrefix = "first_stage_model.";
    public const string HuggingFaceTextPrefix = "cond_stage_model.transformer.";
    public const string OpenClipTextPrefix = "cond_stage_model.model.";

    readonly Dictionary<string, Tensor> _file;
    MappedSafetensors? _mapping;

    OriginalCheckpoint(Dictionary<string, Tensor> file, StableDiffusionFamily family,
                       Dictionary<string, Tensor> unet, JsonObject unetConfig, Dictionary<string, Tensor> vae, JsonObject vaeConfig,
                       Dictionary<string, Tensor> text, JsonObject textConfig)
    {
        _file = file;
        Family = family;
        UNet = unet;
        UNetConfig = unetConfig;
        Vae = vae;
        VaeConfig = vaeConfig;
        TextEncoder = text;
        TextEncoderConfig = textConfig;
    }

    public StableDiffusionFamily Family { get; }

    /// <summary>The UNet's tensors under <c>UNet2DConditionModel</c>'s names.</summary>
    public IReadOnlyDictionary<string, Tensor> UNet { get; }

    /// <summary>unet/config.json as it would be: the baseline with what the file tells written over it.</summary>
    public JsonObject UNetConfig { get; }

    public IReadOnlyDictionary<string, Tensor> Vae { get; }

    public JsonObject VaeConfig { get; }

    public IReadOnlyDictionary<string, Tensor> TextEncoder { get; }

    public JsonObject TextEncoderConfig { get; }

    /// <summary>
    /// Reads <paramref name="path"/> (<c>.safetensors</c>, or a pickled <c>.ckpt</c>/<c>.pt</c>). With
    /// <paramref name="configFolder"/>, a diffusers Stable Diffusion folder, the values a file does not hold come
    /// from its unet/, vae/ and text_encoder/ configs; without, from the standard configs of the file's family.
    /// </summary>
    public static OriginalCheckpoint Read(string path, string? configFolder = null)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: weights file not found");
        // A safetensors file is mapped, not read: the renamed tensors are views of it until they are copied into the
        // models, and each one's pages are given back then (Release), so the weights are held about once.
        var mapping = ModelWeights.IsPyTorchFile(path) ? null : SafetensorsMapping.Map(path);
        var file = mapping?.Tensors ?? ModelWeights.Read(path);
        try
        {
            var checkpoint = Convert(file, path, configFolder);
            checkpoint._mapping = mapping;
            return checkpoint;
        }
        catch
        {
            foreach (var t in file.Values) t.Dispose();
            mapping?.Dispose();
            throw;
        }
    }

    /// <summary>True when the file's tensor names are those of an original SD checkpoint (read from the header only for safetensors).</summary>
    public static bool Recognises(IEnumerable<string> keys) => keys.Any(k => k.StartsWith(UNetPrefix, StringComparison.Ordinal));

    static OriginalCheckpoint Convert(Dictionary<string, Tensor> file, string source, string? configFolder)
    {
        var unet = new Dictionary<string, Tensor>();
        var vae = new Dictionary<string, Tensor>();
        var hf = new Dictionary<string, Tensor>();
        var openClip = new Dictionary<string, Tensor>();
        foreach (var (key, tensor) in file)
        {
            if (key.StartsWith(UNetPrefix, StringComparison.Ordinal)) unet[key[UNetPrefix.Length..]] = tensor;
            else if (key.StartsWith(VaePrefix, StringComparison.Ordinal)) vae[key[VaePrefix.Length..]] = tensor;
            else if (key.StartsWith(HuggingFaceTextPrefix, StringComparison.Ordinal)) hf[key[HuggingFaceTextPrefix.Length..]] = tensor;
            else if (key.StartsWith(OpenClipTextPrefix, StringComparison.Ordinal)) openClip[key[OpenClipTextPrefix.Length..]] = tensor;
            // Training leftovers that no pipeline uses (EMA copies, noise-schedule buffers) are dropped, as diffusers does.
            else if (key.StartsWith("model_ema.", StringComparison.Ordinal) || IsScheduleBuffer(key)) continue;
            else throw LdmUNetKeys.Unplaced(source, key);
        }
        if (unet.Count == 0) throw new DiffuseException($"{source}: not an original Stable Diffusion checkpoint: no {UNetPrefix}* tensors");
        if (vae.Count == 0) throw new DiffuseException($"{source}: the checkpoint holds no VAE ({VaePrefix}*)");
        if (hf.Count == 0 && openClip.Count == 0) throw new DiffuseException($"{source}: the checkpoint holds no text encoder (cond_stage_model.*)");
        var family = openClip.Count > 0 ? StableDiffusionFamily.V2 : StableDiffusionFamily.V1;

        var baseline = configFolder is null ? StandardConfigs.For(family) : StandardConfigs.FromFolder(configFolder);
        var (unetWeights, unetShape) = LdmUNetKeys.Convert(unet, source);
        var (vaeWeights, vaeShape) = LdmVaeKeys.Convert(vae, source);
        var textLayers = baseline.TextEncoder["num_hidden_layers"]?.GetValue<int>();
        var (textWeights, textShape) = family == StableDiffusionFamily.V1
            ? OpenClipTextKeys.ConvertHuggingFace(hf)
            : OpenClipTextKeys.ConvertOpenClip(openClip, textLayers, source);
        return new OriginalCheckpoint(file, family, unetWeights, Over(baseline.UNet, unetShape), vaeWeights, Over(baseline.Vae, vaeShape),
                                      textWeights, Over(baseline.TextEncoder, textShape));
    }

    static bool IsScheduleBuffer(string key) => key is "betas" or "alphas_cumprod" or "alphas_cumprod_prev" or "sqrt_alphas_cumprod"
        or "sqrt_one_minus_alphas_cumprod" or "log_one_minus_alphas_cumprod" or "sqrt_recip_alphas_cumprod" or "sqrt_recipm1_alphas_cumprod"
        or "posterior_variance" or "posterior_log_variance_clipped" or "posterior_mean_coef1" or "posterior_mean_coef2"
        or "logvar" or "model.diffusion_model.betas" || key.StartsWith("cond_stage_model.model.logit_scale", StringComparison.Ordinal);

    /// <summary>The baseline config with every value the file tells written over it.</summary>
    static JsonObject Over(JsonObject baseline, JsonObject fromFile)
    {
        var merged = (JsonObject)baseline.DeepClone();
        foreach (var (key, value) in fromFile) merged[key] = value?.DeepClone();
        return merged;
    }

    /// <summary>A config as text, for writing a diffusers folder or building a model from it.</summary>
    public static string ToJson(JsonObject config) => config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Gives back the memory of a tensor of this checkpoint once it has been copied into a model (see <see cref="MappedSafetensors.Release"/>).</summary>
    public void Release(Tensor copied) => _mapping?.Release(copied);

    public void Dispose()
    {
        if (_mapping is not null) _mapping.Dispose();
        else foreach (var t in _file.Values) t.Dispose();
        // Split and sliced tensors (OpenCLIP's q/k/v, the VAE's 2-D attention weights) are views with handles of their own.
        foreach (var t in UNet.Values.Concat(Vae.Values).Concat(TextEncoder.Values)) t.Dispose();
    }
}
