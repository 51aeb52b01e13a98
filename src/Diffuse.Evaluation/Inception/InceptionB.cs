using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Evaluation.Inception;

/// <summary>
/// The grid reduction from 35×35 to 17×17 (torchvision's <c>InceptionB</c>, Mixed_6a; unpatched in
/// pytorch-fid): stride-2 convolutions beside a stride-2 max pool. Output channels 384 + 96 + in_channels.
/// </summary>
public sealed class InceptionB : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3;
    private readonly BasicConv2d branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3;

    public InceptionB(long inChannels) : base(nameof(InceptionB))
    {
        branch3x3 = new BasicConv2d(inChannels, 384, 3, stride: 2);
        branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b3 = branch3x3.forward(x);
        var b3dbl = branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x)));
        var pool = nn.functional.max_pool2d(x, 3, stride: 2);
        return cat([b3, b3dbl, pool], 1).MoveToOuterDisposeScope();
    }
}
