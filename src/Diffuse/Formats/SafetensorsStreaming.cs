using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// Loads a <c>.safetensors</c> file into a module one tensor at a time, so a model never holds its weights twice:
/// an SD 1.5 UNet (3.4 GB of float32) peaks at its own size plus its largest tensor, where reading the whole file
/// first (<see cref="SafetensorsFile.Read"/>) peaks at twice its size. Everything that can be known before a byte is
/// copied is checked first, as <see cref="StateDictLoader"/> does: the header (<see cref="SafetensorsHeader"/>:
/// every byte range inside the file), old attention names renamed (<see cref="LegacyAttentionKeys"/>), every key,
/// shape and dtype against the module. Only a read error of the disk itself could stop the copy half-way.
/// </summary>
public static class SafetensorsStreaming
{
    public static void LoadInto(nn.Module module, string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: weights file not found");
        using var stream = File.OpenRead(path);
        var header = SafetensorsHeader.Read(stream, path);
        var entries = new Dictionary<string, SafetensorsEntry>();
        foreach (var entry in header.Entries)
            if (!entries.TryAdd(LegacyAttentionKeys.Rename(entry.Name), entry))
                throw new DiffuseException($"{path}: weight '{LegacyAttentionKeys.Rename(entry.Name)}' appears twice, under its old attention name and its current name");
        var expected = module.state_dict();
        // Attention projections stored as 1×1 convolutions load as the linear weights they are (LegacyAttentionKeys).
        long[] Target(string key, SafetensorsEntry entry) =>
            LegacyAttentionKeys.IsConvolutionShaped(key, entry.Shape) ? [entry.Shape[0], entry.Shape[1]] : entry.Shape;
        StateDictLoader.Check(expected, entries.ToDictionary(kv => kv.Key, kv => (Target(kv.Key, kv.Value), kv.Value.Type)), path);
        foreach (var (key, entry) in entries)
            if (entry.ByteLength > Array.MaxLength)
                throw new DiffuseException($"{path}: tensor '{entry.Name}' is {entry.ByteLength} bytes, larger than one read can hold");

        using var noGrad = no_grad();
        // In file order, so the disk reads front to back.
        foreach (var (key, entry) in entries.OrderBy(kv => kv.Value.Begin))
        {
            using var stored = empty(entry.Shape, entry.Type);
            if (entry.ByteLength > 0)
            {
                stream.Position = header.DataStart + entry.Begin;
                stream.ReadExactly(stored.bytes);
            }
            if (stored.shape.SequenceEqual(expected[key].shape)) expected[key].copy_(stored);
            else
            {
                using var linear = stored.reshape(Target(key, entry));
                expected[key].copy_(linear);
            }
        }
    }
}
