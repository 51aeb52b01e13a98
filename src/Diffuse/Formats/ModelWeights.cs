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
        if (IsShardIndex(path)) return ReadShards(path);
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
        if (IsShardIndex(path))
        {
            SafetensorsStreaming.LoadSharded(module, path);
            return;
        }
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

    /// <summary>A <c>*.safetensors.index.json</c>: the weight map of a model saved in shards.</summary>
    public static bool IsShardIndex(string path) => path.EndsWith(".safetensors.index.json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="path"/> is a pickled PyTorch file (<c>.bin</c>, <c>.ckpt</c>, <c>.pt</c>, <c>.pth</c>) rather than safetensors.</summary>
    public static bool IsPyTorchFile(string path) =>
        path.EndsWith(".bin", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pt", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".pth", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The weights file a load of <paramref name="folder"/> would use: <paramref name="safetensorsFile"/> when present,
    /// else <paramref name="pyTorchFile"/>, else the safetensors shard index (as large models are saved).
    /// </summary>
    public static string Find(string folder, string safetensorsFile, string pyTorchFile)
    {
        var safetensors = Path.Combine(folder, safetensorsFile);
        if (File.Exists(safetensors)) return safetensors;
        var bin = Path.Combine(folder, pyTorchFile);
        if (File.Exists(bin)) return bin;
        if (File.Exists(safetensors + ".index.json")) return safetensors + ".index.json";
        if (File.Exists(bin + ".index.json"))
            throw new DiffuseException($"{folder}: PyTorch .bin weights split into shards are not supported; convert them to safetensors");
        throw new DiffuseException($"{folder}: no weights: neither {safetensorsFile} nor {pyTorchFile} is present");
    }

    /// <summary>The shard files a <c>*.safetensors.index.json</c>'s <c>weight_map</c> names, each checked to exist beside it.</summary>
    public static IReadOnlyList<string> ShardPaths(string indexPath)
    {
        if (!File.Exists(indexPath)) throw new DiffuseException($"{indexPath}: weights index not found");
        System.Text.Json.Nodes.JsonObject? map;
        try { map = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(indexPath))?["weight_map"] as System.Text.Json.Nodes.JsonObject; }
        catch (System.Text.Json.JsonException e) { throw new DiffuseException($"{indexPath}: not valid JSON: {e.Message.Split('\n')[0]}"); }
        if (map is null || map.Count == 0) throw new DiffuseException($"{indexPath}: no weight_map");
        var folder = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        return map.Select(kv => kv.Value?.GetValue<string>() ?? throw new DiffuseException($"{indexPath}: weight_map: '{kv.Key}' names no file"))
                  .Distinct().Select(name =>
                  {
                      if (name.Contains('/') || name.Contains('\\') || name.Contains("..", StringComparison.Ordinal))
                          throw new DiffuseException($"{indexPath}: weight_map names '{name}', which is not a file beside the index");
                      var shard = Path.Combine(folder, name);
                      return File.Exists(shard) ? shard : throw new DiffuseException($"{indexPath}: shard '{name}' is missing");
                  }).ToList();
    }

    /// <summary>Every tensor of every shard an index names (for the callers that need them all in memory).</summary>
    static Dictionary<string, Tensor> ReadShards(string indexPath)
    {
        var all = new Dictionary<string, Tensor>();
        try
        {
            foreach (var shard in ShardPaths(indexPath))
                foreach (var (key, tensor) in Read(shard))
                    if (!all.TryAdd(key, tensor)) { tensor.Dispose(); throw new DiffuseException($"{indexPath}: weight '{key}' is in two shards"); }
            return all;
        }
        catch
        {
            foreach (var t in all.Values) t.Dispose();
            throw;
        }
    }
}
