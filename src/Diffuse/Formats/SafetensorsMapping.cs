using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// A <c>.safetensors</c> file's tensors as views of the file mapped into memory (private, read-only use), as the
/// <c>safetensors</c> library's <c>safe_open</c> gives them to diffusers: nothing is read until a tensor's bytes are
/// used, and what is read lives in the page cache, which the kernel can drop, not in the process's own heap. A
/// checkpoint that must be renamed before loading (an original-layout single file) is then held once, in the model,
/// instead of twice. The header is checked first (<see cref="SafetensorsHeader"/>: every range inside the file).
/// A tensor whose offset does not suit its dtype's alignment is copied out (the reference writer never makes one).
/// </summary>
public static class SafetensorsMapping
{
    /// <summary>All tensors by name, as views of the mapped file; disposing the result disposes them and unmaps the file.</summary>
    public static MappedSafetensors Map(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: file not found");
        var header = SafetensorsHeader.Read(path);
        long length = new FileInfo(path).Length;
        // One mapping of the whole file per dtype (libtorch maps a file as elements of one type); the page cache is shared.
        var mappings = new Dictionary<ScalarType, Tensor>();
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            using var stream = File.OpenRead(path);
            foreach (var entry in header.Entries)
            {
                long offset = header.DataStart + entry.Begin;
                int size = SafetensorsDType.SizeOf(entry.Type);
                if (entry.ByteLength == 0 || offset % size != 0)
                {
                    tensors.Add(entry.Name, SafetensorsFile.ReadTensor(stream, entry, header.DataStart, path));
                    continue;
                }
                if (!mappings.TryGetValue(entry.Type, out var mapped))
                    mappings[entry.Type] = mapped = from_file(path, shared: false, size: length / size, dtype: entry.Type);
                using var elements = mapped.narrow(0, offset / size, entry.ByteLength / size);
                tensors.Add(entry.Name, elements.view(entry.Shape));
            }
            return new MappedSafetensors(tensors, mappings.Values.ToList());
        }
        catch
        {
            foreach (var t in tensors.Values.Concat(mappings.Values)) t.Dispose();
            throw;
        }
    }
}
