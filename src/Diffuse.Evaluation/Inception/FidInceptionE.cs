using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Evaluation.Inception;

/// <summary>
/// The 8×8 block with expanded filter banks (1×3 and 3×1 side by side; torchvision's <c>InceptionE</c>,
/// Mixed_7b and 7c) as pytorch-fid patches it. <c>FIDInceptionE_1</c> (Mixed_7b) averages without the
/// padded zeros; <c>FIDInceptionE_2</c> (Mixed_7c) max-pools instead, as the 2015 TensorFlow graph does
/// there (pytorch-fid calls it likely an error in that graph, kept for comparable FIDs).
/// Output channels 320 + 768 + 768 + 192 = 2048.
/// </summary>
public sealed class FidInceptionE : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1;
    private readonly BasicConv2d branch3x3_1, branch3x3_2a, branch3x3_2b;
    private readonly BasicConv2d branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b;
    private readonly BasicConv2d branch_pool;
    private readonly bool _maxPool;

    /// <param name="maxPool">false for FIDInceptionE_1 (Mixed_7b), true for FIDInceptionE_2 (Mixed_7c).</param>
    public FidInceptionE(long inChannels, bool maxPool) : base(nameof(FidInceptionE))
    {
        _maxPool = maxPool;
        (long, long) row = (1, 3), column = (3, 1), padRow = (0, 1), padColumn = (1, 0);
        branch1x1 = new BasicConv2d(inChannels, 320, 1);
        branch3x3_1 = new BasicConv2d(inChannels, 384, 1);
        branch3x3_2a = new BasicConv2d(384, 384, row, padding: padRow);
        branch3x3_2b = new BasicConv2d(384, 384, column, padding: padColumn);
        branch3x3dbl_1 = new BasicConv2d(inChannels, 448, 1);
        branch3x3dbl_2 = new BasicConv2d(448, 384, 3, padding: 1);
        branch3x3dbl_3a = new BasicConv2d(384, 384, row, padding: padRow);
        branch3x3dbl_3b = new BasicConv2d(384, 384, column, padding: padColumn);
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.forward(x);
        var b3 = branch3x3_1.forward(x);
        b3 = cat([branch3x3_2a.forward(b3), branch3x3_2b.forward(b3)], 1);
        var b3dbl = branch3x3dbl_2.forward(branch3x3dbl_1.forward(x));
        b3dbl = cat([branch3x3dbl_3a.forward(b3dbl), branch3x3dbl_3b.forward(b3dbl)], 1);
        var pooled = _maxPool
            ? nn.functional.max_pool2d(x, 3, stride: 1, padding: 1)
            : nn.functional.avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false);
        var pool = branch_pool.forward(pooled);
        return cat([b1, b3, b3dbl, pool], 1).MoveToOuterDisposeScope();
    }
}
