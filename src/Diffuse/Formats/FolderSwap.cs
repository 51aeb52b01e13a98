namespace Diffuse.Formats;

/// <summary>
/// Writes a whole folder atomically: fill a temporary sibling folder, then rename it into place.
/// A process killed mid-write leaves only a <c>.tmp-*</c> folder behind, and the folder it was
/// replacing is intact until the final rename.
/// </summary>
public static class FolderSwap
{
    public const string TempMarker = ".tmp-";

    public static void Write(string folder, Action<string> fill)
    {
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        var temp = $"{full}{TempMarker}{Guid.NewGuid():N}";
        var old = $"{full}.old{TempMarker}{Guid.NewGuid():N}";
        try
        {
            Directory.CreateDirectory(temp);
            fill(temp);
            if (Directory.Exists(full)) Directory.Move(full, old);
            Directory.Move(temp, full);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            if (Directory.Exists(old))
            {
                if (Directory.Exists(full)) Directory.Delete(old, recursive: true);
                else Directory.Move(old, full);   // the swap failed half-way: put the old folder back
            }
        }
    }

    /// <summary>Removes temporary folders that an interrupted <see cref="Write"/> left in <paramref name="parent"/>.</summary>
    public static void CleanUp(string parent)
    {
        if (!Directory.Exists(parent)) return;
        foreach (var dir in Directory.GetDirectories(parent, $"*{TempMarker}*")) Directory.Delete(dir, recursive: true);
    }
}
