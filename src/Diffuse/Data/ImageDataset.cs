using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>
/// Images in memory as float32 [N,C,H,W] in [−1,1], with optional int64 class labels [N] for class
/// conditioning. The dataset owns its tensors. Training draws batches with replacement from a
/// seeded generator, so a run is reproducible from its seed alone.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    /// <param name="data">float32 [N,C,H,W] in [−1,1]; the dataset takes ownership.</param>
    /// <param name="labels">int64 [N] class indices or null; the dataset takes ownership.</param>
    /// <param name="classNames">names of the class indices, e.g. image-folder subfolder names.</param>
    public ImageDataset(Tensor data, Tensor? labels = null, IReadOnlyList<string>? classNames = null)
    {
        if (data.dim() != 4 || data.dtype != ScalarType.Float32)
            throw new ArgumentException($"expected float32 [N,C,H,W] images, got {data.dtype} [{string.Join(",", data.shape)}]", nameof(data));
        if (labels is not null && (labels.dim() != 1 || labels.dtype != ScalarType.Int64 || labels.shape[0] != data.shape[0]))
            throw new ArgumentException($"expected int64 [{data.shape[0]}] labels, got {labels.dtype} [{string.Join(",", labels.shape)}]", nameof(labels));
        Data = data.DetachFromDisposeScope();
        Labels = labels?.DetachFromDisposeScope();
        ClassNames = classNames;
    }

    public Tensor Data { get; }

    public Tensor? Labels { get; }

    public IReadOnlyList<string>? ClassNames { get; }

    public int Count => (int)Data.shape[0];

    public int Channels => (int)Data.shape[1];

    public int Height => (int)Data.shape[2];

    public int Width => (int)Data.shape[3];

    /// <summary>A batch [batch,C,H,W] of images drawn uniformly with replacement; with
    /// <paramref name="randomFlip"/> each image is mirrored left–right with probability ½
    /// (the augmentation of DDPM's CIFAR-10 runs).</summary>
    public Tensor SampleBatch(int batch, Generator gen, bool randomFlip)
    {
        var (images, labels) = SampleLabelledBatch(batch, gen, randomFlip);
        labels?.Dispose();
        return images;
    }

    /// <summary>As <see cref="SampleBatch"/>, also returning the drawn images' labels (null when the
    /// dataset has none). Both methods draw the same random numbers.</summary>
    public (Tensor Images, Tensor? Labels) SampleLabelledBatch(int batch, Generator gen, bool randomFlip)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        using var scope = NewDisposeScope();
        var index = randint(Count, [batch], ScalarType.Int64, generator: gen);
        var images = Data.index_select(0, index);
        if (randomFlip)
        {
            var flip = rand(batch, generator: gen).lt(0.5).view(-1, 1, 1, 1);
            images = where(flip, images.flip(3), images);
        }
        var labels = Labels?.index_select(0, index).MoveToOuterDisposeScope();
        return (images.MoveToOuterDisposeScope(), labels);
    }

    /// <summary>
    /// A new dataset at <paramref name="size"/>×<paramref name="size"/>: shorter side scaled to
    /// size (bilinear, antialiased), then centre-cropped. Images already that size are copied
    /// unchanged, so Fashion-MNIST at 28 stays native. Resizing rather than padding 28→32 follows
    /// diffusers' training scripts and keeps a padded border out of what the model learns.
    /// </summary>
    public ImageDataset Resize(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        return new ImageDataset(ResizeCrop.ShorterSideThenCenterCrop(Data, size), Labels?.clone(), ClassNames);
    }

    public void Dispose()
    {
        Data.Dispose();
        Labels?.Dispose();
    }
}
