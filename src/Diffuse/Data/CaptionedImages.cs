namespace Diffuse.Data;

/// <summary>Images with one caption each, in the same order; the record owns the images.</summary>
public sealed record CaptionedImages(ImageDataset Images, IReadOnlyList<string> Captions) : IDisposable
{
    public void Dispose() => Images.Dispose();
}
