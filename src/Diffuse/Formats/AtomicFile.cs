namespace Diffuse.Formats;

/// <summary>
/// Writes a file so that readers see either the old content or the new, never half of it: a run
/// killed mid-write (or a viewer refreshing a sample grid while training) must not find a torn file.
/// The content goes to a temporary file in the same folder (so the final move stays on one file
/// system and is a rename), which then replaces the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>Calls <paramref name="writeTemp"/> with a temporary path beside <paramref name="path"/>,
    /// then moves that file over <paramref name="path"/>. The temporary file is deleted on failure.</summary>
    public static void Write(string path, Action<string> writeTemp)
    {
        var full = Path.GetFullPath(path);
        var temp = $"{full}.tmp-{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            var folder = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            writeTemp(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            TryDelete(temp);
            if (e is IOException or UnauthorizedAccessException)
                throw new DiffuseException($"{path}: cannot write: {e.Message}", e);
            throw;
        }
    }

    public static void WriteAllBytes(string path, byte[] bytes) =>
        Write(path, temp => File.WriteAllBytes(temp, bytes));

    public static void WriteAllText(string path, string text) =>
        Write(path, temp => File.WriteAllText(temp, text));

    private static void TryDelete(string temp)
    {
        try { File.Delete(temp); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
