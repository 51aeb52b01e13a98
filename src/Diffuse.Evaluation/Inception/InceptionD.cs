using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Evaluation.Inception;

/// <summary>
/// The grid reduction from 17×17 to 8×8 (torchvision's <c>InceptionD</c>, Mixed_7a; unpatched in
/// pytorch-fid). Output channels 320 + 192 + in_channels.
/// </summary>
public sealed class InceptionD : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3_1, branch3x3_2;
    private readonly BasicConv2d branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4;

    public InceptionD(long inChannels) : base(nameof(InceptionD))
    {
        branch3x3_1 = new BasicConv2d(inChannels, 192, 1);
        branch3x3_2 = new BasicConv2d(192, 320, 3, stride: 2);
        branch7x7x3_1 = new BasicConv2d(inChannels, 192, 1);
        branch7x7x3_2 = new BasicConv2d(192, 192, (1, 7), padding: (0, 3));
        branch7x7x3_3 = new BasicConv2d(192, 192, (7, 1), padding: (3, 0));
        branch7x7x3_4 = new BasicConv2d(192, 192, 3, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b3 = branch3x3_2.forward(branch3x3_1.forward(x));
        var b7 = branch7x7x3_1.forward(x);
        b7 = branch7x7x3_4.forward(branch7x7x3_3.forward(branch7x7x3_2.forward(b7)));
        var pool = nn.functional.max_pool2d(x, 3, stride: 2);
        return cat([b3, b7, pool], 1).MoveToOuterDisposeScope();
    }
}
