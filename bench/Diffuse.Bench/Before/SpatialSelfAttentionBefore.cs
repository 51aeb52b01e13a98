using Diffuse.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Bench.Before;

/// <summary>
/// SpatialSelfAttention with the attention written out as diffusers' pre-2.0 <c>AttnProcessor</c> does it
/// (scores = QKᵀ/√d, softmax, scores·V, three separate kernels and the full score matrix kept for backward),
/// with the same state-dict keys, kept only so <c>compare</c> can time it against the fused
/// scaled_dot_product_attention on the same weights.
/// </summary>
public sealed class SpatialSelfAttentionBefore : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm group_norm;
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> to_out;
    private readonly int _heads;
    private readonly int _headDim;

    public SpatialSelfAttentionBefore(int channels, int headDim, int groups, double eps) : base(nameof(SpatialSelfAttentionBefore))
    {
        _headDim = headDim;
        _heads = channels / headDim;
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
        var tokens = group_norm.forward(x).view(b, c, h * w).transpose(1, 2);
        Tensor Heads(Linear proj) => proj.forward(tokens).view(b, h * w, _heads, _headDim).transpose(1, 2);
        var q = Heads(to_q);
        var k = Heads(to_k);
        var v = Heads(to_v);
        var scores = matmul(q, k.transpose(-2, -1)) * (1.0 / Math.Sqrt(_headDim));
        var attended = matmul(scores.softmax(-1), v);
        var merged = attended.transpose(1, 2).reshape(b, h * w, c);
        foreach (var layer in to_out) merged = layer.forward(merged);
        return (merged.transpose(1, 2).reshape(b, c, h, w) + x).MoveToOuterDisposeScope();
    }
}
