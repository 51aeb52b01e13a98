using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>
/// Resolves a <c>--data</c> value to images: the built-in name <c>fashion-mnist</c> (a 10,000-image
/// part of the Fashion-MNIST training set embedded in this assembly, so a first run needs no
/// download), a path to an IDX images file (MNIST family, with its labels file picked up from
/// beside it), or a folder of PNG/JPEG images.
/// </summary>
public static class DatasetLoader
{
    public const string FashionMnist = "fashion-mnist";

    private const string EmbeddedPrefix = "Diffuse.Data.Embedded.fashion-mnist-train-10k-";

    /// <param name="size">side of the square images returned; IDX images at their native size
    /// are left as they are, others are resized (shorter side) and centre-cropped.</param>
    /// <param name="channels">1 or 3; null keeps the source's (1 for IDX, 3 for image folders).
    /// Grayscale IDX images asked for as 3 channels are repeated across R, G and B.</param>
    public static ImageDataset Load(string dataArg, int size, int? channels = null)
    {
        if (size <= 0) throw new DiffuseException($"image size must be positive, got {size}");
        if (channels is not (null or 1 or 3))
            throw new DiffuseException($"channels must be 1 (grayscale) or 3 (RGB), got {channels}");
        if (dataArg == FashionMnist) return Fit(LoadEmbeddedFashionMnist(), size, channels ?? 1);
        if (Toy2D.IsToyName(dataArg))
            throw new DiffuseException($"data '{dataArg}' is a 2-D point set, not images; use it with a 2-D toy model");
        if (Directory.Exists(dataArg)) return ImageFolderLoader.Load(dataArg, size, channels ?? 3);
        if (File.Exists(dataArg)) return Fit(LoadIdx(dataArg), size, channels ?? 1);
        throw new DiffuseException(
            $"data '{dataArg}' not found: expected a file, a folder or one of {FashionMnist}, {string.Join(", ", Toy2D.Names)}");
    }

    /// <summary>
    /// The image size used when none is asked for: the MNIST family (IDX files and the embedded set)
    /// keeps its native 28×28, and image folders are brought to 32×32.
    /// </summary>
    public static int DefaultSize(string dataArg) => Directory.Exists(dataArg) ? 32 : 28;

    /// <summary>The labels file that the usual MNIST naming pairs with an images file
    /// (<c>train-images-idx3-ubyte.gz</c> → <c>train-labels-idx1-ubyte.gz</c>, also with or
    /// without <c>.gz</c>, and the <c>train-images.idx3-ubyte</c> spelling), or null.</summary>
    public static string? FindLabelsBeside(string imagesPath)
    {
        var folder = Path.GetDirectoryName(imagesPath) ?? "";
        var name = Path.GetFileName(imagesPath);
        var labels = name.Replace("images-idx3", "labels-idx1").Replace("images.idx3", "labels.idx1");
        if (labels == name) return null;
        var plain = labels.EndsWith(".gz", StringComparison.Ordinal) ? labels[..^3] : labels;
        return new[] { labels, plain, plain + ".gz" }
            .Select(candidate => Path.Combine(folder, candidate))
            .FirstOrDefault(File.Exists);
    }

    private static ImageDataset LoadIdx(string imagesPath)
    {
        var extension = Path.GetExtension(imagesPath).ToLowerInvariant();
        if (ImageFolderLoader.Extensions.Contains(extension))
            throw new DiffuseException($"{imagesPath}: a single image is not a dataset; pass the folder that holds the images");
        var images = IdxReader.ReadImages(imagesPath);
        var labelsPath = FindLabelsBeside(imagesPath);
        if (labelsPath is null) return new ImageDataset(images);
        try
        {
            return new ImageDataset(images, MatchingLabels(IdxReader.ReadLabels(labelsPath), images, labelsPath, imagesPath));
        }
        catch
        {
            images.Dispose();
            throw;
        }
    }

    private static ImageDataset LoadEmbeddedFashionMnist()
    {
        const string source = FashionMnist + " (embedded)";
        using var imagesStream = OpenEmbedded("images-idx3-ubyte.gz");
        using var labelsStream = OpenEmbedded("labels-idx1-ubyte.gz");
        var images = IdxReader.ReadImages(imagesStream, source);
        return new ImageDataset(images, MatchingLabels(IdxReader.ReadLabels(labelsStream, source), images, source, source));
    }

    private static Stream OpenEmbedded(string suffix) =>
        typeof(DatasetLoader).Assembly.GetManifestResourceStream(EmbeddedPrefix + suffix)
        ?? throw new DiffuseException($"{FashionMnist}: embedded resource {EmbeddedPrefix + suffix} is missing from this build");

    private static Tensor MatchingLabels(long[] labels, Tensor images, string labelsName, string imagesName)
    {
        if (labels.Length != images.shape[0])
            throw new DiffuseException($"{labelsName}: has {labels.Length} labels but {imagesName} has {images.shape[0]} images");
        return tensor(labels);
    }

    /// <summary>Brings grayscale IDX images to size×size and, when asked, to 3 channels.</summary>
    private static ImageDataset Fit(ImageDataset source, int size, int channels)
    {
        var current = source;
        if (current.Height != size || current.Width != size)
        {
            current = source.Resize(size);
            source.Dispose();
        }
        if (channels == current.Channels) return current;
        var rgb = new ImageDataset(current.Data.expand(-1, 3, -1, -1).contiguous(), current.Labels?.clone(), current.ClassNames);
        current.Dispose();
        return rgb;
    }
}
