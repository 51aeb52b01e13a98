using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>
/// Loads a folder of PNG and JPEG images into an <see cref="ImageDataset"/>, preprocessed like
/// diffusers' training example: shorter side resized to <c>size</c>, centre-cropped to a square.
/// When every image sits in a subfolder, the first subfolder level names its class (torchvision
/// <c>ImageFolder</c> layout), with class indices in ordinal order of the names.
/// </summary>
public static class ImageFolderLoader
{
    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg"];

    /// <param name="channels">3 for RGB, 1 for grayscale (BT.601 luma).</param>
    /// <param name="recursive">also read images in subfolders (and label them by subfolder).</param>
    public static ImageDataset Load(string folder, int size, int channels = 3, bool recursive = true)
    {
        if (size <= 0) throw new DiffuseException($"image size must be positive, got {size}");
        if (channels is not (1 or 3))
            throw new DiffuseException($"channels must be 1 (grayscale) or 3 (RGB), got {channels}");
        if (!Directory.Exists(folder)) throw new DiffuseException($"{folder}: folder not found");

        var files = FindImages(folder, recursive);
        var (labels, classNames) = ClassLabels(folder, files);
        var images = new List<Tensor>(files.Count);
        try
        {
            foreach (var file in files)
            {
                using var scope = NewDisposeScope();
                var image = ImageDecoder.Decode(file, channels);
                images.Add(ResizeCrop.ShorterSideThenCenterCrop(image, size).MoveToOuterDisposeScope());
            }
            return new ImageDataset(cat(images, 0), labels is null ? null : tensor(labels), classNames);
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
    }

    private static List<string> FindImages(string folder, bool recursive)
    {
        var option = recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
        List<string> files;
        try
        {
            files = Directory.EnumerateFiles(folder, "*", option)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiffuseException($"{folder}: cannot list images: {e.Message}", e);
        }
        if (files.Count == 0)
            throw new DiffuseException(
                $"{folder}: no PNG or JPEG images found{(recursive ? " (searched subfolders too)" : "")}");
        return files;
    }

    private static (long[]? Labels, IReadOnlyList<string>? ClassNames) ClassLabels(string folder, List<string> files)
    {
        var classOf = files
            .Select(f => Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar))
            .Select(parts => parts.Length > 1 ? parts[0] : null)
            .ToList();
        if (classOf.All(c => c is null)) return (null, null);
        var loose = classOf.IndexOf(null);
        if (loose >= 0)
            throw new DiffuseException(
                $"{folder}: images both at the top level (e.g. {Path.GetFileName(files[loose])}) and in class subfolders; put every image in a class subfolder or none");
        var names = classOf.Select(c => c!).Distinct().Order(StringComparer.Ordinal).ToList();
        var labels = classOf.Select(c => (long)names.IndexOf(c!)).ToArray();
        return (labels, names);
    }
}
