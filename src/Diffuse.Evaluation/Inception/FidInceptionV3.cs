using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Evaluation.Inception;

/// <summary>
/// Inception-v3 (Szegedy et al. 2016) as pytorch-fid builds it for FID (Heusel et al. 2017):
/// torchvision's <c>Inception3</c> with 1008 classes and no auxiliary head, its Mixed_5b–5d, 6b–6e, 7b and
/// 7c blocks patched (<see cref="FidInceptionA"/>, <see cref="FidInceptionC"/>, <see cref="FidInceptionE"/>)
/// so that it computes what the 2015 TensorFlow graph computed. The fields carry torchvision's names, so
/// the state-dict keys (<c>Conv2d_1a_3x3.conv.weight</c>, <c>Mixed_5b.branch1x1.bn.running_mean</c>, …,
/// <c>fc.weight</c>) are those of pytorch-fid's <c>pt_inception-2015-12-05-6726825d.pth</c> and it loads
/// without a rename table (<see cref="FidInceptionWeights"/>). The features are pool3: the 2048 channels of
/// Mixed_7c averaged over the 8×8 grid. <c>fc</c> is kept only so the file loads whole.
/// </summary>
public sealed class FidInceptionV3 : nn.Module<Tensor, Tensor>, IFeatureExtractor
{
    public const int InputSize = 299;
    public const int PoolFeatures = 2048;
    public const int Classes = 1008;

    private readonly BasicConv2d Conv2d_1a_3x3, Conv2d_2a_3x3, Conv2d_2b_3x3, Conv2d_3b_1x1, Conv2d_4a_3x3;
    private readonly FidInceptionA Mixed_5b, Mixed_5c, Mixed_5d;
    private readonly InceptionB Mixed_6a;
    private readonly FidInceptionC Mixed_6b, Mixed_6c, Mixed_6d, Mixed_6e;
    private readonly InceptionD Mixed_7a;
    private readonly FidInceptionE Mixed_7b, Mixed_7c;
    private readonly Linear fc;

    public FidInceptionV3() : base(nameof(FidInceptionV3))
    {
        Conv2d_1a_3x3 = new BasicConv2d(3, 32, 3, stride: 2);
        Conv2d_2a_3x3 = new BasicConv2d(32, 32, 3);
        Conv2d_2b_3x3 = new BasicConv2d(32, 64, 3, padding: 1);
        Conv2d_3b_1x1 = new BasicConv2d(64, 80, 1);
        Conv2d_4a_3x3 = new BasicConv2d(80, 192, 3);
        Mixed_5b = new FidInceptionA(192, poolFeatures: 32);
        Mixed_5c = new FidInceptionA(256, poolFeatures: 64);
        Mixed_5d = new FidInceptionA(288, poolFeatures: 64);
        Mixed_6a = new InceptionB(288);
        Mixed_6b = new FidInceptionC(768, channels7x7: 128);
        Mixed_6c = new FidInceptionC(768, channels7x7: 160);
        Mixed_6d = new FidInceptionC(768, channels7x7: 160);
        Mixed_6e = new FidInceptionC(768, channels7x7: 192);
        Mixed_7a = new InceptionD(768);
        Mixed_7b = new FidInceptionE(1280, maxPool: false);
        Mixed_7c = new FidInceptionE(2048, maxPool: true);
        fc = nn.Linear(PoolFeatures, Classes);
        RegisterComponents();
    }

    public string Name => "inception";

    public int FeatureDim => PoolFeatures;

    /// <summary>Images per forward pass in <see cref="Features"/>: at 299×299 one image holds about 20 MB of activations.</summary>
    public int Batch { get; init; } = 16;

    /// <summary>
    /// Pool3 features [N, 2048] of images [N, 1 or 3, H, W] in [−1, 1], prepared as pytorch-fid prepares
    /// them: resized to 299×299 bilinearly (align_corners=False) and on the [−1, 1] scale the TensorFlow
    /// weights expect (pytorch-fid maps [0, 1] to it after resizing; the map is affine and bilinear weights
    /// sum to 1, so resizing in [−1, 1] gives the same). Gray images are repeated across R, G and B, as
    /// pytorch-fid's loader does when it converts a gray PNG to RGB.
    /// </summary>
    public override Tensor forward(Tensor images)
    {
        CheckInput((int)images.shape[1], (int)images.shape[2]);
        using var scope = NewDisposeScope();
        var x = images;
        if (x.shape[2] != InputSize || x.shape[3] != InputSize)
            x = nn.functional.interpolate(x, [InputSize, InputSize], mode: InterpolationMode.Bilinear, align_corners: false);
        if (x.shape[1] == 1) x = x.expand([-1, 3, -1, -1]);
        x = Conv2d_2b_3x3.forward(Conv2d_2a_3x3.forward(Conv2d_1a_3x3.forward(x)));
        x = nn.functional.max_pool2d(x, 3, stride: 2);
        x = Conv2d_4a_3x3.forward(Conv2d_3b_1x1.forward(x));
        x = nn.functional.max_pool2d(x, 3, stride: 2);
        x = Mixed_5d.forward(Mixed_5c.forward(Mixed_5b.forward(x)));
        x = Mixed_6a.forward(x);
        x = Mixed_6e.forward(Mixed_6d.forward(Mixed_6c.forward(Mixed_6b.forward(x))));
        x = Mixed_7c.forward(Mixed_7b.forward(Mixed_7a.forward(x)));
        return x.mean([2, 3]).MoveToOuterDisposeScope();
    }

    public void CheckInput(int channels, int size)
    {
        if (channels is not (1 or 3))
            throw new DiffuseException($"Inception features need gray or RGB images; these have {channels} channels");
        // Smaller images are upsampled to 299×299 first, so any side works.
        if (size <= 0) throw new DiffuseException($"image side must be positive (got {size})");
    }

    public Tensor Features(Tensor images, Action<int>? onImages = null)
    {
        if (images.dim() != 4) throw new DiffuseException($"images have shape [{string.Join(", ", images.shape)}]; expected [N, C, H, W]");
        CheckInput((int)images.shape[1], (int)images.shape[2]);
        return BatchedFeatures.Compute(this, images, Batch, forward, onImages);
    }
}
