using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Diffuse.IO;

/// <summary>
/// Moves a module's weights to and from a <c>.safetensors</c> file (through TorchSharp.PyBridge),
/// checking every key and shape first, so that a file that does not fit the model is rejected whole
/// with the first mismatch named, and no half-loaded model is ever used.
/// </summary>
public static class SafetensorsWeights
{
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: weights file not found");
        try { return Safetensors.LoadStateDict(path); }
        catch (Exception e) when (e is not DiffuseException)
        {
            throw new DiffuseException($"{path}: not a readable safetensors file: {e.Message.Split('\n')[0]}");
        }
    }

    public static void LoadInto(nn.Module module, string path)
    {
        var loaded = Read(path);
        try
        {
            var expected = module.state_dict();
            foreach (var (key, target) in expected)
            {
                if (!loaded.TryGetValue(key, out var source))
                    throw new DiffuseException($"{path}: missing weight '{key}'");
                if (!source.shape.SequenceEqual(target.shape))
                    throw new DiffuseException($"{path}: weight '{key}' has shape [{string.Join(", ", source.shape)}] but the config needs [{string.Join(", ", target.shape)}]");
            }
            foreach (var key in loaded.Keys)
                if (!expected.ContainsKey(key)) throw new DiffuseException($"{path}: unexpected weight '{key}' (the config builds no such layer)");
            using var noGrad = no_grad();
            foreach (var (key, target) in expected) target.copy_(loaded[key]);
        }
        finally
        {
            foreach (var t in loaded.Values) t.Dispose();
        }
    }

    public static void Save(nn.Module module, string path)
    {
        var state = module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.contiguous());
        AtomicFile.Write(path, temp => Safetensors.SaveStateDict(temp, state));
    }
}
