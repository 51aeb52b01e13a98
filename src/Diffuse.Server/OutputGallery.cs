using Diffuse.Data;
using Diffuse.Formats;

namespace Diffuse.Server;

/// <summary>The outputs folder: every generated image as its own PNG, with its settings in a <c>parameters</c> chunk.</summary>
public sealed class OutputGallery(StudioOptions options)
{
    public string Folder { get; } = Path.GetFullPath(options.OutputsFolder);

    /// <summary>Writes the PNG (atomically) under a new name that sorts by time (to the millisecond); returns the name.</summary>
    public string Save(string jobId, int index, byte[] png)
    {
        var name = $"{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}-{jobId}-{index:D2}.png";
        AtomicFile.WriteAllBytes(Path.Combine(Folder, name), png);
        return name;
    }

    /// <summary>The newest images first, with their parameters.</summary>
    public IReadOnlyList<GalleryItem> List(int limit)
    {
        var folder = new DirectoryInfo(Folder);
        if (!folder.Exists) return [];
        return folder.EnumerateFiles("*.png")
            .Where(f => SafeName.IsValid(f.Name))
            .OrderByDescending(f => f.Name, StringComparer.Ordinal)
            .Take(limit)
            .Select(f => new GalleryItem(f.Name, $"/outputs/{f.Name}", ReadParameters(f.FullName)))
            .ToList();
    }

    static string? ReadParameters(string path)
    {
        try { return PngText.Read(File.ReadAllBytes(path), GenerationParameters.Keyword); }
        catch (IOException) { return null; }
    }
}

/// <summary>One image of the gallery: its file name, where to fetch it, and its settings.</summary>
public sealed record GalleryItem(string Name, string Url, string? Parameters);
