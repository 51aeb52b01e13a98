using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// Moves a module's weights to and from a <c>.safetensors</c> file, checking the file's structure
/// (<see cref="SafetensorsHeader"/>) and then every key and shape (<see cref="StateDictLoader"/>) before
/// the module is touched, so a file that does not fit is rejected whole and no half-loaded model is used.
/// </summary>
public static class SafetensorsWeights
{
    /// <summary>What diffusers (through <c>safetensors.torch.save_file</c>) puts in a weights file's metadata.</summary>
    public static readonly IReadOnlyDictionary<string, string> PyTorchMetadata = new Dictionary<string, string> { ["format"] = "pt" };

    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: weights file not found");
        return SafetensorsFile.Read(path);
    }

    public static void LoadInto(nn.Module module, string path) => ModelWeights.LoadInto(module, path);

    public static void Save(nn.Module module, string path) =>
        SafetensorsFile.Write(path, module.state_dict(), PyTorchMetadata);
}
