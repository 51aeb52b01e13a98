using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Evaluation.Inception;

/// <summary>
/// The 17×17 block with factorised 7×7 convolutions (1×7 then 7×1; torchvision's <c>InceptionC</c>,
/// Mixed_6b–6e) as pytorch-fid patches it (<c>FIDInceptionC</c>): average pooling without the padded
/// zeros. Output channels 4 × 192 = 768.
/// </summary>
public sealed class FidInceptionC : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1;
    private readonly BasicConv2d branch7x7_1, branch7x7_2, branch7x7_3;
    private readonly BasicConv2d branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5;
    private readonly BasicConv2d branch_pool;

    public FidInceptionC(long inChannels, long channels7x7) : base(nameof(FidInceptionC))
    {
        long c7 = channels7x7;
        (long, long) row = (1, 7), column = (7, 1), padRow = (0, 3), padColumn = (3, 0);
        branch1x1 = new BasicConv2d(inChannels, 192, 1);
        branch7x7_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7_2 = new BasicConv2d(c7, c7, row, padding: padRow);
        branch7x7_3 = new BasicConv2d(c7, 192, column, padding: padColumn);
        branch7x7dbl_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7dbl_2 = new BasicConv2d(c7, c7, column, padding: padColumn);
        branch7x7dbl_3 = new BasicConv2d(c7, c7, row, padding: padRow);
        branch7x7dbl_4 = new BasicConv2d(c7, c7, column, padding: padColumn);
        branch7x7dbl_5 = new BasicConv2d(c7, 192, row, padding: padRow);
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.forward(x);
        var b7 = branch7x7_3.forward(branch7x7_2.forward(branch7x7_1.forward(x)));
        var b7dbl = branch7x7dbl_1.forward(x);
        b7dbl = branch7x7dbl_3.forward(branch7x7dbl_2.forward(b7dbl));
        b7dbl = branch7x7dbl_5.forward(branch7x7dbl_4.forward(b7dbl));
        var pool = branch_pool.forward(nn.functional.avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false));
        return cat([b1, b7, b7dbl, pool], 1).MoveToOuterDisposeScope();
    }
}
