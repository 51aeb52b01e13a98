using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// A model's weights file in either format diffusers writes: <c>.safetensors</c>, or the older
/// <c>.bin</c> from <c>torch.save</c>. Old attention names are renamed on the way in, as diffusers does.
/// </summary>
public static class ModelWeights
{
    /// <summary>All weights by current diffusers name; the caller disposes them.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: weights file not found");
        var weights = IsPyTorchFile(path) ? PyTorchWeights.Read(path) : SafetensorsFile.Read(path);
        try { return LegacyAttentionKeys.Apply(weights, path); }
        catch
        {
            foreach (var t in weights.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads, checks every key and shape, and only then copies into <paramref name="module"/>. A safetensors file is
    /// streamed tensor by tensor (<see cref="SafetensorsStreaming"/>); a PyTorch file is unpickled whole first, so while
    /// it loads the weights are held twice.
    /// </summary>
    public static void LoadInto(nn.Module module, string path)
    {
        if (!IsPyTorchFile(path))
        {
            SafetensorsStreaming.LoadInto(module, path);
            return;
        }
        var weights = Read(path);
        try { StateDictLoader.LoadInto(module, weights, path); }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    private static bool IsPyTorchFile(string path) =>
        path.EndsWith(".bin", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pt", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".pth", StringComparison.OrdinalIgnoreCase);
}
