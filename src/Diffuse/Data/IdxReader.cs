using System.Buffers.Binary;
using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header of a magic
/// number (two zero bytes, an element type, a dimension count), one 32-bit size per dimension, then
/// the elements. Files may be gzip-compressed; that is detected from the gzip magic bytes, not the
/// name, because downloaded copies are often renamed or decompressed in place.
/// </summary>
public static class IdxReader
{
    /// <summary>Unsigned bytes, 3 dimensions: N images of H×W.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Unsigned bytes, 1 dimension: N labels.</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Images as float32 [N,1,H,W] scaled from 0..255 to [−1,1] (x/127.5 − 1), the range
    /// DDPM trains in.</summary>
    public static Tensor ReadImages(string path) => ReadImages(ReadFile(path), path);

    /// <inheritdoc cref="ReadImages(string)"/>
    /// <param name="sourceName">names the source in error messages.</param>
    public static Tensor ReadImages(Stream stream, string sourceName) =>
        ReadImages(ReadStream(stream, sourceName), sourceName);

    /// <summary>Labels as int64 values, one per image.</summary>
    public static long[] ReadLabels(string path) => ReadLabels(ReadFile(path), path);

    /// <inheritdoc cref="ReadLabels(string)"/>
    public static long[] ReadLabels(Stream stream, string sourceName) =>
        ReadLabels(ReadStream(stream, sourceName), sourceName);

    private static Tensor ReadImages(byte[] bytes, string name)
    {
        var dims = ReadHeader(bytes, name, ImagesMagic, "IDX images");
        long n = dims[0], h = dims[1], w = dims[2];
        var offset = 4 + 4 * dims.Length;
        CheckLength(bytes, name, offset, n, h * w, $"images of {h}x{w}");
        using var pixels = tensor(bytes.AsSpan(offset, (int)(n * h * w)).ToArray(), [n, 1, h, w], ScalarType.Byte);
        return pixels.to_type(ScalarType.Float32).div_(127.5).sub_(1.0);
    }

    private static long[] ReadLabels(byte[] bytes, string name)
    {
        var dims = ReadHeader(bytes, name, LabelsMagic, "IDX labels");
        var offset = 4 + 4 * dims.Length;
        CheckLength(bytes, name, offset, dims[0], 1, "labels");
        var labels = new long[dims[0]];
        for (var i = 0; i < labels.Length; i++) labels[i] = bytes[offset + i];
        return labels;
    }

    private static int[] ReadHeader(byte[] bytes, string name, int expectedMagic, string kind)
    {
        if (bytes.Length < 4)
            throw new DiffuseException($"{name}: not an {kind} file: only {bytes.Length} bytes");
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
        {
            var hint = magic switch
            {
                ImagesMagic => " (this is an IDX images file)",
                LabelsMagic => " (this is an IDX labels file)",
                _ => "",
            };
            throw new DiffuseException(
                $"{name}: not an {kind} file: magic number 0x{magic:X8}, expected 0x{expectedMagic:X8}{hint}");
        }
        var dims = new int[bytes[3]];
        if (bytes.Length < 4 + 4 * dims.Length)
            throw new DiffuseException($"{name}: truncated IDX file: the header itself is cut short");
        for (var i = 0; i < dims.Length; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (dims[i] <= 0)
                throw new DiffuseException($"{name}: bad IDX header: dimension {i} is {dims[i]}, expected a positive size");
        }
        return dims;
    }

    private static void CheckLength(byte[] bytes, string name, int offset, long count, long itemSize, string items)
    {
        var available = bytes.Length - offset;
        var expected = count * itemSize;
        if (available < expected)
            throw new DiffuseException(
                $"{name}: truncated IDX file: header says {count} {items} but only {available / itemSize} are present");
        if (available > expected)
            throw new DiffuseException(
                $"{name}: bad IDX file: {available - expected} bytes follow the {count} {items} the header declares");
        if (expected > Array.MaxLength)
            throw new DiffuseException($"{name}: IDX file too large: {expected} bytes of data");
    }

    private static byte[] ReadFile(string path)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: file not found");
        try
        {
            using var stream = File.OpenRead(path);
            return ReadStream(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiffuseException($"{path}: cannot read: {e.Message}", e);
        }
    }

    private static byte[] ReadStream(Stream stream, string name)
    {
        var raw = new MemoryStream();
        stream.CopyTo(raw);
        var bytes = raw.ToArray();
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) return bytes;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            var plain = new MemoryStream();
            gzip.CopyTo(plain);
            return plain.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DiffuseException($"{name}: corrupt gzip data: {e.Message}", e);
        }
    }
}
