using Diffuse.Formats;
using static TorchSharp.torch;

namespace Diffuse.Evaluation.Inception;

/// <summary>
/// Fills a <see cref="FidInceptionV3"/> from a weights file the user supplies (nothing is downloaded):
/// pytorch-fid's <c>pt_inception-2015-12-05-6726825d.pth</c>, a state dict of the 2015 TensorFlow
/// Inception weights under torchvision's names, or the same tensors as <c>.safetensors</c>. Every key and
/// shape is checked before the network is touched, and the first missing or mismatched key is named.
/// </summary>
public static class FidInceptionWeights
{
    public const string PyTorchFidFile = "pt_inception-2015-12-05-6726825d.pth";

    private const string StepCounter = ".num_batches_tracked";

    /// <summary>The network in eval mode, or a one-line <see cref="DiffuseException"/>.</summary>
    public static FidInceptionV3 Load(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"Inception weights '{path}' not found (expected pytorch-fid's {PyTorchFidFile})");
        var weights = path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? SafetensorsFile.Read(path) : PyTorchWeights.Read(path);
        var model = new FidInceptionV3();
        try
        {
            LoadInto(model, weights, path);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
        model.eval();
        return model;
    }

    /// <summary>
    /// Copies <paramref name="weights"/> into <paramref name="model"/> after checking every key and shape.
    /// BatchNorm's step counters (<c>num_batches_tracked</c>) are neither required nor used: the ported
    /// TensorFlow weights carry none (torch-fidelity's converter writes none and PyTorch fills them in on load),
    /// and in eval mode batch norm reads only the running statistics.
    /// </summary>
    public static void LoadInto(FidInceptionV3 model, IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        var fitted = weights.Where(w => !w.Key.EndsWith(StepCounter, StringComparison.Ordinal)).ToDictionary(w => w.Key, w => w.Value);
        foreach (var (key, own) in model.state_dict())
            if (key.EndsWith(StepCounter, StringComparison.Ordinal)) fitted[key] = own;
        StateDictLoader.LoadInto(model, fitted, source);
    }
}
