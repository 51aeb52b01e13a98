using System.Buffers.Binary;
using System.IO.Compression;

namespace Diffuse.Tests.Data;

/// <summary>Writes small IDX files (optionally gzip-compressed) for the reader tests.</summary>
public static class IdxFixture
{
    public static byte[] Encode(int magic, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (var i = 0; i < dims.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static void Write(string path, byte[] bytes, bool gzip)
    {
        if (!gzip) { File.WriteAllBytes(path, bytes); return; }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
    }

    public static void WriteImages(string path, int n, int h, int w, byte[] pixels, bool gzip = false) =>
        Write(path, Encode(0x803, [n, h, w], pixels), gzip);

    public static void WriteLabels(string path, byte[] labels, bool gzip = false) =>
        Write(path, Encode(0x801, [labels.Length], labels), gzip);
}
