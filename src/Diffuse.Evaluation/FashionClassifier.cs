using Diffuse.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// A small CNN classifier whose penultimate activations stand in for Inception's pool3 features when
/// measuring grayscale 28×28 samples: FID's Inception network (Heusel et al. 2017) was trained on
/// ImageNet photos and says little about Fashion-MNIST, so, as in the MNIST-family evaluations of
/// e.g. Xu et al. 2018 ("An empirical study on evaluation metrics of GANs"), a classifier trained on the
/// domain itself supplies the features. Three 3×3 conv blocks (GroupNorm, ReLU), the first two followed by
/// 2×2 max-pooling, then a feature layer over the flattened (sample_size/4)² map and the logits.
/// Flattening rather than global pooling keeps where things are, which separates e.g. shirts from
/// pullovers within a few hundred steps.
/// </summary>
public sealed class FashionClassifier : nn.Module<Tensor, Tensor>, IFeatureExtractor
{
    private const int Groups = 8;

    private readonly Conv2d conv1, conv2, conv3;
    private readonly GroupNorm norm1, norm2, norm3;
    private readonly Linear feature;
    private readonly Linear classifier;

    public FashionClassifierConfig Config { get; }

    public string Name => "classifier";

    public int FeatureDim => Config.FeatureDim;

    public FashionClassifier(FashionClassifierConfig config) : base(nameof(FashionClassifier))
    {
        Config = config;
        var c = config.BlockOutChannels;
        conv1 = nn.Conv2d(config.InChannels, c[0], 3, padding: 1);
        norm1 = Normalization.GroupNorm(Groups, c[0], 1e-5);
        conv2 = nn.Conv2d(c[0], c[1], 3, padding: 1);
        norm2 = Normalization.GroupNorm(Groups, c[1], 1e-5);
        conv3 = nn.Conv2d(c[1], c[2], 3, padding: 1);
        norm3 = Normalization.GroupNorm(Groups, c[2], 1e-5);
        int side = config.SampleSize / 4;
        feature = nn.Linear(c[2] * side * side, config.FeatureDim);
        classifier = nn.Linear(config.FeatureDim, config.NumClasses);
        RegisterComponents();
    }

    /// <summary>Logits [N, classes] of images [N, C, H, W] in [−1, 1].</summary>
    public override Tensor forward(Tensor images) => Logits(images);

    public Tensor Logits(Tensor images)
    {
        using var scope = NewDisposeScope();
        return classifier.forward(Penultimate(images)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The feature layer's activations [N, feature_dim] in float32, in eval mode and without gradients,
    /// computed <paramref name="batch"/> images at a time so memory stays bounded for large sets.
    /// </summary>
    public Tensor Features(Tensor images, int batch = 500, Action<int>? onImages = null)
    {
        CheckShape(images);
        return BatchedFeatures.Compute(this, images, batch, Penultimate, onImages);
    }

    Tensor IFeatureExtractor.Features(Tensor images, Action<int>? onImages) => Features(images, onImages: onImages);

    public void CheckInput(int channels, int size)
    {
        if (channels != Config.InChannels || size != Config.SampleSize)
            throw new DiffuseException(
                $"the images are {channels}×{size}×{size} but the classifier takes {Config.InChannels}×{Config.SampleSize}×{Config.SampleSize}");
    }

    /// <summary>Throws a one-line error unless <paramref name="images"/> is [N, C, H, W] of this classifier's size.</summary>
    public void CheckShape(Tensor images, string what = "images")
    {
        if (images.dim() != 4 || images.shape[1] != Config.InChannels || images.shape[2] != Config.SampleSize || images.shape[3] != Config.SampleSize)
            throw new DiffuseException(
                $"{what} have shape [{string.Join(", ", images.shape)}] but the classifier takes [N, {Config.InChannels}, {Config.SampleSize}, {Config.SampleSize}]");
    }

    private Tensor Penultimate(Tensor images)
    {
        var h = nn.functional.max_pool2d(nn.functional.relu(norm1.forward(conv1.forward(images))), 2);
        h = nn.functional.max_pool2d(nn.functional.relu(norm2.forward(conv2.forward(h))), 2);
        h = nn.functional.relu(norm3.forward(conv3.forward(h))).flatten(1);
        return nn.functional.relu(feature.forward(h));
    }
}
