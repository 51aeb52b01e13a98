using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>One tensor of a safetensors header: its dtype, shape and byte range within the data buffer.</summary>
public sealed record SafetensorsEntry(string Name, string DType, ScalarType Type, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
