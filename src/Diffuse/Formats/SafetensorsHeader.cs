using System.Text.Json;

namespace Diffuse.Formats;

/// <summary>
/// The validated header of a <c>.safetensors</c> file: 8-byte little-endian length N, N bytes of JSON
/// <c>{name: {dtype, shape, data_offsets}, "__metadata__": {...}}</c>, then the data buffer. Every
/// structural fault (length past the end, bad JSON, missing fields, unknown dtype, offsets outside the
/// buffer or overlapping, byte length not numel × dtype size) is rejected here, naming the tensor, so a
/// damaged file never reaches a tensor constructor.
/// </summary>
public sealed class SafetensorsHeader
{
    private const string MetadataKey = "__metadata__";

    /// <summary>The tensors in file order (by offset).</summary>
    public required IReadOnlyList<SafetensorsEntry> Entries { get; init; }

    /// <summary>The free-form string map under <c>__metadata__</c> (empty when absent).</summary>
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>Absolute file position of the data buffer (8 + N).</summary>
    public required long DataStart { get; init; }

    public static SafetensorsHeader Read(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: file not found");
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    public static SafetensorsHeader Read(Stream stream, string path)
    {
        long fileLength = stream.Length;
        void Fail(string problem) => throw new DiffuseException($"{path}: {problem}");
        if (fileLength < 8) Fail($"too short to be a safetensors file ({fileLength} bytes, the header length alone takes 8)");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            Fail($"header length {headerLength} is larger than the file ({fileLength} bytes); the file is truncated or not safetensors");
        if (headerLength > int.MaxValue) Fail($"header length {headerLength} is too large to read");
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        long bufferLength = fileLength - 8 - (long)headerLength;

        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new DiffuseException($"{path}: header is not valid JSON: {e.Message.Split('\n')[0]}"); }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) Fail("header is not a JSON object");
            var metadata = new Dictionary<string, string>();
            var entries = new List<SafetensorsEntry>();
            var seen = new HashSet<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name)) Fail($"tensor '{property.Name}' is listed twice in the header");
                if (property.Name == MetadataKey) ReadMetadata(property.Value, metadata, path);
                else entries.Add(ReadEntry(property.Name, property.Value, bufferLength, path));
            }
            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            for (int i = 1; i < entries.Count; i++)
            {
                var (previous, current) = (entries[i - 1], entries[i]);
                // Empty tensors occupy no bytes and cannot overlap anything.
                if (current.ByteLength > 0 && previous.ByteLength > 0 && current.Begin < previous.End)
                    Fail($"tensor '{current.Name}' (bytes {current.Begin}-{current.End}) overlaps tensor '{previous.Name}' (bytes {previous.Begin}-{previous.End})");
            }
            return new SafetensorsHeader { Entries = entries, Metadata = metadata, DataStart = 8 + (long)headerLength };
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new DiffuseException($"{path}: {MetadataKey} is not a JSON object");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new DiffuseException($"{path}: {MetadataKey} value '{item.Name}' is not a string (the format allows only strings)");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafetensorsEntry ReadEntry(string name, JsonElement value, long bufferLength, string path)
    {
        void Fail(string problem) => throw new DiffuseException($"{path}: tensor '{name}' {problem}");
        if (value.ValueKind != JsonValueKind.Object) Fail("is not described by a JSON object");
        if (!value.TryGetProperty("dtype", out var dtypeElement)) Fail("has no dtype");
        if (!value.TryGetProperty("shape", out var shapeElement)) Fail("has no shape");
        if (!value.TryGetProperty("data_offsets", out var offsetsElement)) Fail("has no data_offsets");

        if (dtypeElement.ValueKind != JsonValueKind.String) Fail("has a dtype that is not a string");
        string dtype = dtypeElement.GetString()!;
        if (!SafetensorsDType.TryParse(dtype, out var type, out int size))
            Fail($"has dtype '{dtype}', which is not supported (supported: {SafetensorsDType.SupportedNames})");

        var shape = ReadIntegers(shapeElement, "shape", Fail);
        foreach (var d in shape)
            if (d < 0) Fail($"has a negative dimension in shape [{string.Join(", ", shape)}]");
        var offsets = ReadIntegers(offsetsElement, "data_offsets", Fail);
        if (offsets.Length != 2) Fail($"has {offsets.Length} data_offsets (expected [begin, end])");
        long begin = offsets[0], end = offsets[1];
        if (begin < 0 || end < begin || end > bufferLength)
            Fail($"has data_offsets [{begin}, {end}] outside the {bufferLength}-byte data buffer");

        long expected;
        try { expected = checked(shape.Aggregate(1L, (a, d) => a * d) * size); }
        catch (OverflowException) { Fail($"has a shape too large to hold: [{string.Join(", ", shape)}]"); throw; }
        if (end - begin != expected)
            Fail($"has {end - begin} bytes but shape [{string.Join(", ", shape)}] of {dtype} needs {expected}");
        return new SafetensorsEntry(name, dtype, type, shape, begin, end);
    }

    private static long[] ReadIntegers(JsonElement element, string field, Action<string> fail)
    {
        if (element.ValueKind != JsonValueKind.Array) fail($"has a {field} that is not a list of integers");
        var values = new List<long>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v)) fail($"has a {field} that is not a list of integers");
            else values.Add(v);
        }
        return [.. values];
    }
}
