using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// The safetensors dtype names this library reads and writes, with their libtorch types and sizes.
/// The 8-bit floats and unsigned 16/32/64-bit types of newer safetensors versions have no libtorch
/// equivalent here, so a file using them is rejected by name rather than misread.
/// </summary>
public static class SafetensorsDType
{
    private static readonly (string Name, ScalarType Type, int Size)[] Known =
    [
        ("F64", ScalarType.Float64, 8), ("F32", ScalarType.Float32, 4), ("F16", ScalarType.Float16, 2),
        ("BF16", ScalarType.BFloat16, 2), ("I64", ScalarType.Int64, 8), ("I32", ScalarType.Int32, 4),
        ("I16", ScalarType.Int16, 2), ("I8", ScalarType.Int8, 1), ("U8", ScalarType.Byte, 1), ("BOOL", ScalarType.Bool, 1),
    ];

    public static string SupportedNames => string.Join(", ", Known.Select(k => k.Name));

    public static bool TryParse(string name, out ScalarType type, out int size)
    {
        foreach (var k in Known)
            if (k.Name == name) { (type, size) = (k.Type, k.Size); return true; }
        (type, size) = (default, 0);
        return false;
    }

    /// <summary>Bytes per element of a type safetensors holds.</summary>
    public static int SizeOf(ScalarType type)
    {
        foreach (var k in Known)
            if (k.Type == type) return k.Size;
        throw new DiffuseException($"tensors of type {type} are not held in safetensors (supported: {SupportedNames})");
    }

    public static string NameOf(ScalarType type)
    {
        foreach (var k in Known)
            if (k.Type == type) return k.Name;
        throw new DiffuseException($"tensors of type {type} cannot be written to safetensors (supported: {SupportedNames})");
    }

    /// <summary>
    /// The order in which the reference writer (the Rust <c>safetensors</c> crate) lays tensors out: larger
    /// alignments first, then by name. Following it makes our files byte-identical to diffusers' own.
    /// </summary>
    public static int LayoutRank(ScalarType type) => type switch
    {
        ScalarType.Int64 => 0, ScalarType.Float64 => 1, ScalarType.Float32 => 2, ScalarType.Int32 => 3,
        ScalarType.BFloat16 => 4, ScalarType.Float16 => 5, ScalarType.Int16 => 6, ScalarType.Int8 => 7,
        ScalarType.Byte => 8, _ => 9,
    };
}
