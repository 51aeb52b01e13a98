using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// A network whose activations stand for images when sample quality is measured: the Fréchet distance,
/// KID and precision/recall compare feature sets, not pixels. <see cref="FashionClassifier"/> gives
/// features learnt on the domain itself; <see cref="Inception.FidInceptionV3"/> gives the pool3 features of
/// pytorch-fid's Inception-v3, the network behind published FIDs.
/// </summary>
public interface IFeatureExtractor : IDisposable
{
    /// <summary>What <c>--features</c> calls it: <c>classifier</c> or <c>inception</c>.</summary>
    string Name { get; }

    /// <summary>Length of one image's feature vector.</summary>
    int FeatureDim { get; }

    /// <summary>Throws a one-line <see cref="DiffuseException"/> unless images of this many channels and this side can be measured.</summary>
    void CheckInput(int channels, int size);

    /// <summary>Features [N, <see cref="FeatureDim"/>] in float32 of images [N, C, H, W] in [−1, 1], in eval mode and
    /// without gradients, computed a bounded batch at a time; <paramref name="onImages"/> gets the count done so far.</summary>
    Tensor Features(Tensor images, Action<int>? onImages = null);
}
