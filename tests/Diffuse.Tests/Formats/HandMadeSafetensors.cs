using System.Text;

namespace Diffuse.Tests.Formats;

/// <summary>Writes safetensors files byte by byte, so tests can build the damaged ones a writer never would.</summary>
public static class HandMadeSafetensors
{
    /// <summary>8-byte length, <paramref name="header"/> as UTF-8, then <paramref name="bufferBytes"/> bytes counting up.</summary>
    public static string Write(string path, string header, int bufferBytes, ulong? declaredLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes(declaredLength ?? (ulong)json.Length));
        stream.Write(json);
        stream.Write(Enumerable.Range(0, bufferBytes).Select(i => (byte)i).ToArray());
        return path;
    }

    /// <summary>One F32 tensor entry for a header.</summary>
    public static string F32(string name, string shape, long begin, long end, string dtype = "F32") =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";
}
