using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// Multi-head self-attention over the pixels of a feature map, as diffusers' <c>Attention</c> built
/// for UNet2DModel (GroupNorm first, residual connection, output divided by the rescale factor).
/// Keys: <c>group_norm</c>, <c>to_q</c>, <c>to_k</c>, <c>to_v</c>, <c>to_out.0</c>.
/// Uses <see cref="ScaledDotProductAttention"/>: softmax(QKᵀ/√d)V, the same maths.
/// </summary>
public sealed class SpatialSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm group_norm;
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> to_out;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly double _rescaleOutputFactor;

    public SpatialSelfAttention(int channels, int headDim, int groups, double eps, double rescaleOutputFactor = 1.0)
        : base(nameof(SpatialSelfAttention))
    {
        if (headDim <= 0 || channels % headDim != 0)
            throw new DiffuseException($"attention_head_dim {headDim} does not divide the {channels} channels of an attention layer");
        _headDim = headDim;
        _heads = channels / headDim;
        _rescaleOutputFactor = rescaleOutputFactor;
        group_norm = Normalization.GroupNorm(groups, channels, eps);
        to_q = nn.Linear(channels, channels);
        to_k = nn.Linear(channels, channels);
        to_v = nn.Linear(channels, channels);
        to_out = nn.ModuleList<nn.Module<Tensor, Tensor>>(nn.Linear(channels, channels), nn.Dropout(0.0));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var tokens = group_norm.forward(x).view(b, c, h * w).transpose(1, 2);           // [B, HW, C]
        Tensor Heads(Linear proj) => proj.forward(tokens).view(b, h * w, _heads, _headDim).transpose(1, 2);
        var attended = ScaledDotProductAttention.Compute(Heads(to_q), Heads(to_k), Heads(to_v));
        var merged = attended.transpose(1, 2).reshape(b, h * w, c);
        foreach (var layer in to_out) merged = layer.forward(merged);
        var y = merged.transpose(1, 2).reshape(b, c, h, w) + x;
        if (_rescaleOutputFactor != 1.0) y = y / _rescaleOutputFactor;
        return y.MoveToOuterDisposeScope();
    }
}
