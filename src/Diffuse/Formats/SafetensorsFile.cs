using System.Text.Encodings.Web;
using System.Text.Json;
using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// Reads and writes <c>.safetensors</c> files. The header is parsed and checked first
/// (<see cref="SafetensorsHeader"/>); tensor bytes are then copied straight from the byte ranges it names.
/// We read the bytes ourselves rather than through TorchSharp.PyBridge, which would parse the header a
/// second time without these checks. Files are written as the reference writer does (compact JSON,
/// <c>__metadata__</c> first, header padded with spaces to 8 bytes, tensors by alignment then name), so
/// a file diffusers wrote and loaded here is written back byte for byte.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>All tensors by name, on the CPU with the file's dtypes; the caller disposes them.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: file not found");
        using var stream = File.OpenRead(path);
        var header = SafetensorsHeader.Read(stream, path);
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var entry in header.Entries) tensors.Add(entry.Name, ReadTensor(stream, entry, header.DataStart, path));
            return tensors;
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>One tensor's bytes, copied from its range of the file (<paramref name="dataStart"/>: where the data buffer begins).</summary>
    internal static Tensor ReadTensor(Stream stream, SafetensorsEntry entry, long dataStart, string path)
    {
        if (entry.ByteLength > Array.MaxLength)
            throw new DiffuseException($"{path}: tensor '{entry.Name}' is {entry.ByteLength} bytes, larger than one read can hold");
        var tensor = empty(entry.Shape, entry.Type);
        if (entry.ByteLength == 0) return tensor;
        try
        {
            var bytes = new byte[entry.ByteLength];
            stream.Position = dataStart + entry.Begin;
            stream.ReadExactly(bytes);
            tensor.bytes = bytes;
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>The <c>__metadata__</c> map of a file, without reading its tensors.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => SafetensorsHeader.Read(path).Metadata;

    /// <summary>Writes <paramref name="tensors"/> atomically; non-contiguous tensors are made contiguous.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors
            .OrderBy(kv => SafetensorsDType.LayoutRank(kv.Value.dtype))
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .ToList();
        byte[] header;
        using (var json = new MemoryStream())
        {
            using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                if (metadata is { Count: > 0 })
                {
                    writer.WriteStartObject("__metadata__");
                    foreach (var (key, value) in metadata) writer.WriteString(key, value);
                    writer.WriteEndObject();
                }
                long offset = 0;
                foreach (var (name, tensor) in ordered)
                {
                    long length = tensor.numel() * tensor.ElementSize;
                    writer.WriteStartObject(name);
                    writer.WriteString("dtype", SafetensorsDType.NameOf(tensor.dtype));
                    writer.WriteStartArray("shape");
                    foreach (var d in tensor.shape) writer.WriteNumberValue(d);
                    writer.WriteEndArray();
                    writer.WriteStartArray("data_offsets");
                    writer.WriteNumberValue(offset);
                    writer.WriteNumberValue(offset + length);
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                    offset += length;
                }
                writer.WriteEndObject();
            }
            // Padding keeps the data buffer 8-byte aligned, so a reader can map tensors in place.
            int padded = (int)((json.Length + 7) / 8 * 8);
            header = new byte[padded];
            Array.Fill(header, (byte)' ');
            json.ToArray().CopyTo(header, 0);
        }
        AtomicFile.Write(path, temp =>
        {
            using var stream = File.Create(temp);
            stream.Write(BitConverter.GetBytes((ulong)header.Length));
            stream.Write(header);
            foreach (var (_, tensor) in ordered)
            {
                using var contiguous = tensor.contiguous();
                stream.Write(contiguous.bytes);
            }
        });
    }
}
