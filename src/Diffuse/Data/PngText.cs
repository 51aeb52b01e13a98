using System.Buffers.Binary;
using System.Text;

namespace Diffuse.Data;

/// <summary>
/// Text chunks of a PNG file (PNG spec §11.3.4): <see cref="With"/> adds one after the header, as a <c>tEXt</c>
/// chunk when the text is Latin-1 and an uncompressed <c>iTXt</c> (UTF-8) otherwise, which is what A1111 does with
/// its <c>parameters</c>; <see cref="Read"/> finds one by keyword in either form.
/// </summary>
public static class PngText
{
    static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];
    static readonly Encoding Latin1 = Encoding.Latin1;

    /// <summary>A copy of <paramref name="png"/> with the text chunk inserted right after IHDR.</summary>
    public static byte[] With(byte[] png, string keyword, string text)
    {
        CheckSignature(png);
        if (keyword.Length is 0 or > 79 || keyword.Any(c => c is < ' ' or > '~'))
            throw new DiffuseArgumentException("keyword", $"must be 1–79 printable Latin-1 characters (got '{keyword}')");
        bool latin1 = text.All(c => c <= '\u00ff');
        var body = new List<byte>(Latin1.GetBytes(keyword)) { 0 };
        // iTXt: compression flag 0, method 0, empty language tag and translated keyword, each ended by a 0.
        if (!latin1) body.AddRange([0, 0, 0, 0]);
        body.AddRange(latin1 ? Latin1.GetBytes(text) : Encoding.UTF8.GetBytes(text));
        var chunk = Chunk(latin1 ? "tEXt" : "iTXt", [.. body]);
        int afterHeader = Signature.Length + 8 + ReadLength(png, Signature.Length) + 4;
        return [.. png.AsSpan(0, afterHeader), .. chunk, .. png.AsSpan(afterHeader)];
    }

    /// <summary>The text of the first <c>tEXt</c> or uncompressed <c>iTXt</c> chunk with this keyword; null when there is none or the bytes are no PNG.</summary>
    public static string? Read(byte[] png, string keyword)
    {
        if (png.Length < Signature.Length || !png.AsSpan(0, Signature.Length).SequenceEqual(Signature)) return null;
        for (int at = Signature.Length; at + 12 <= png.Length;)
        {
            int length = ReadLength(png, at);
            if (length < 0 || at + 12L + length > png.Length) return null;
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            int zero = data.IndexOf((byte)0);
            if (zero > 0 && Latin1.GetString(data[..zero]) == keyword)
            {
                if (type == "tEXt") return Latin1.GetString(data[(zero + 1)..]);
                if (type == "iTXt" && data.Length > zero + 2 && data[zero + 1] == 0)
                {
                    // Skip the language tag and the translated keyword, each ended by a 0.
                    var rest = data[(zero + 3)..];
                    int language = rest.IndexOf((byte)0);
                    if (language < 0) return null;
                    rest = rest[(language + 1)..];
                    int translated = rest.IndexOf((byte)0);
                    if (translated < 0) return null;
                    return Encoding.UTF8.GetString(rest[(translated + 1)..]);
                }
            }
            if (type == "IEND") return null;
            at += 12 + length;
        }
        return null;
    }

    static void CheckSignature(byte[] png)
    {
        if (png.Length < Signature.Length + 8 || !png.AsSpan(0, Signature.Length).SequenceEqual(Signature))
            throw new DiffuseArgumentException("png", "is not a PNG file (its signature is missing)");
    }

    static int ReadLength(byte[] png, int at) => BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at, 4));

    static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The CRC-32 of PNG (ISO 3309), over the chunk type and data.</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in bytes) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
