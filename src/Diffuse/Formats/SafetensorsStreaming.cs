using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// Loads a <c>.safetensors</c> file into a module one tensor at a time, so a model never holds its weights twice:
/// an SD 1.5 UNet (3.4 GB of float32) peaks at its own size plus its largest tensor, where reading the whole file
/// first (<see cref="SafetensorsFile.Read"/>) peaks at twice its size. Everything that can be known before a byte is
/// copied is checked first, as <see cref="StateDictLoader"/> does: the header (<see cref="SafetensorsHeader"/>:
/// every byte range inside the file), old attention names renamed (<see cref="LegacyAttentionKeys"/>), every key,
/// shape and dtype against the module. Only a read error of the disk itself could stop the copy half-way.
/// Weights split into shards (a <c>*.safetensors.index.json</c> whose <c>weight_map</c> names each tensor's file, as
/// transformers and diffusers save large models) load the same way, every shard's header checked before any copy.
/// </summary>
public static class SafetensorsStreaming
{
    public static void LoadInto(nn.Module module, string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: weights file not found");
        LoadInto(module, [path], path);
    }

    /// <summary>The shards an index names, loaded as one file would be.</summary>
    public static void LoadSharded(nn.Module module, string indexPath) => LoadInto(module, ModelWeights.ShardPaths(indexPath), indexPath);

    static void LoadInto(nn.Module module, IReadOnlyList<string> files, string source)
    {
        var streams = files.Select(File.OpenRead).ToList();
        try
        {
            var entries = new Dictionary<string, (int File, SafetensorsEntry Entry, long DataStart)>();
            for (int f = 0; f < files.Count; f++)
            {
                var header = SafetensorsHeader.Read(streams[f], files[f]);
                foreach (var entry in header.Entries)
                    if (!entries.TryAdd(LegacyAttentionKeys.Rename(entry.Name), (f, entry, header.DataStart)))
                        throw new DiffuseException(entries[LegacyAttentionKeys.Rename(entry.Name)].File == f
                            ? $"{files[f]}: weight '{LegacyAttentionKeys.Rename(entry.Name)}' appears twice, under its old attention name and its current name"
                            : $"{source}: weight '{LegacyAttentionKeys.Rename(entry.Name)}' is in two shards");
            }
            var expected = module.state_dict();
            // Attention projections stored as 1×1 convolutions load as the linear weights they are (LegacyAttentionKeys).
            long[] Target(string key, SafetensorsEntry entry) =>
                LegacyAttentionKeys.IsConvolutionShaped(key, entry.Shape) ? [entry.Shape[0], entry.Shape[1]] : entry.Shape;
            StateDictLoader.Check(expected, entries.ToDictionary(kv => kv.Key, kv => (Target(kv.Key, kv.Value.Entry), kv.Value.Entry.Type)), source);
            foreach (var (key, (file, entry, _)) in entries)
                if (entry.ByteLength > Array.MaxLength)
                    throw new DiffuseException($"{files[file]}: tensor '{entry.Name}' is {entry.ByteLength} bytes, larger than one read can hold");

            using var noGrad = no_grad();
            // File by file, in file order, so each disk reads front to back.
            foreach (var (key, (file, entry, dataStart)) in entries.OrderBy(kv => kv.Value.File).ThenBy(kv => kv.Value.Entry.Begin))
            {
                using var stored = empty(entry.Shape, entry.Type);
                if (entry.ByteLength > 0)
                {
                    streams[file].Position = dataStart + entry.Begin;
                    streams[file].ReadExactly(stored.bytes);
                }
                if (stored.shape.SequenceEqual(expected[key].shape)) expected[key].copy_(stored);
                else
                {
                    using var linear = stored.reshape(Target(key, entry));
                    expected[key].copy_(linear);
                }
            }
        }
        finally
        {
            foreach (var s in streams) s.Dispose();
        }
    }
}
