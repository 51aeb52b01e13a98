using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// Reads a state dict saved with <c>torch.save</c> (the <c>diffusion_pytorch_model.bin</c> of checkpoints
/// from before safetensors): the zip format of PyTorch 1.6 and later through TorchSharp.PyBridge's unpickler,
/// older files through <see cref="LegacyPyTorchFile"/>. Both build tensors and plain containers only and run
/// no code from the file, unlike Python's <c>torch.load</c> without <c>weights_only</c>.
/// </summary>
public static class PyTorchWeights
{
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: file not found");
        using var stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        bool complete = stream.Length >= 4 && stream.Read(magic) == 4;
        if (complete && LegacyPyTorchFile.HasSignature(magic)) return LegacyPyTorchFile.Read(path);
        if (!complete || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4)
            throw new DiffuseException($"{path}: not a PyTorch file (neither the zip format of torch.save since PyTorch 1.6 nor the pickles before it)");
        stream.Position = 0;

        Hashtable table;
        try { table = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true); }
        catch (Exception e) when (e is not DiffuseException)
        {
            throw new DiffuseException($"{path}: not a readable PyTorch state dict: {e.Message.Split('\n')[0]}");
        }
        var weights = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry item in table)
        {
            if (item.Key is string key && item.Value is Tensor tensor) weights.Add(key, tensor);
            else
            {
                foreach (var t in weights.Values) t.Dispose();
                throw new DiffuseException($"{path}: entry '{item.Key}' is not a tensor (expected a state dict saved with torch.save(model.state_dict(), ...))");
            }
        }
        return weights;
    }
}
