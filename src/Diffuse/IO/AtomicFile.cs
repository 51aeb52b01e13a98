namespace Diffuse.IO;

/// <summary>
/// Writes a file so that a reader sees either the old content or the new, never a half-written file:
/// write a temporary file in the same folder, then rename it over the target (rename is atomic on one
/// file system). A crash or Ctrl-C mid-write leaves the previous file untouched.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<string> writeTemp)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        try
        {
            writeTemp(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteAllText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, temp => File.WriteAllBytes(temp, bytes));
}
