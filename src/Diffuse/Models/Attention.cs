using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// Multi-head attention over token sequences as diffusers' <c>Attention</c> builds it for a transformer block:
/// queries from the hidden states, keys and values from the encoder's hidden states (cross-attention) or from the
/// hidden states themselves (self-attention); <c>to_q</c>, <c>to_k</c>, <c>to_v</c> without bias, <c>to_out.0</c>
/// with bias. softmax(QKᵀ/√d + bias)V by <see cref="ScaledDotProductAttention"/> (libtorch's fused kernel, as
/// diffusers' AttnProcessor2_0, except in bfloat16 and float16 on the CPU).
/// </summary>
public sealed class Attention : nn.Module
{
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> to_out;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly bool _upcast;

    /// <param name="queryDim">Width of the hidden states (and of the output).</param>
    /// <param name="crossAttentionDim">Width of the encoder's hidden states; null for self-attention.</param>
    /// <param name="upcast">Attend in float32 when the model runs in float16 or bfloat16 (diffusers' <c>upcast_attention</c>).</param>
    public Attention(int queryDim, int? crossAttentionDim, int heads, int headDim, bool upcast, double dropout = 0.0)
        : base(nameof(Attention))
    {
        int inner = heads * headDim;
        _heads = heads;
        _headDim = headDim;
        _upcast = upcast;
        to_q = nn.Linear(queryDim, inner, hasBias: false);
        to_k = nn.Linear(crossAttentionDim ?? queryDim, inner, hasBias: false);
        to_v = nn.Linear(crossAttentionDim ?? queryDim, inner, hasBias: false);
        to_out = nn.ModuleList<nn.Module<Tensor, Tensor>>(nn.Linear(inner, queryDim), nn.Dropout(dropout));
        RegisterComponents();
    }

    public int Heads => _heads;

    public int HeadDim => _headDim;

    /// <param name="hiddenStates">[B, N, query_dim].</param>
    /// <param name="encoderHiddenStates">[B, L, cross_attention_dim]; null attends to <paramref name="hiddenStates"/>.</param>
    /// <param name="attentionBias">Added to the scores, broadcastable to [B, heads, N, L] (−10000 for a masked token).</param>
    public Tensor forward(Tensor hiddenStates, Tensor? encoderHiddenStates = null, Tensor? attentionBias = null)
    {
        using var scope = NewDisposeScope();
        var context = encoderHiddenStates ?? hiddenStates;
        long b = hiddenStates.shape[0];
        Tensor Heads(Linear proj, Tensor x) => proj.forward(x).view(b, -1, _heads, _headDim).transpose(1, 2);
        var (q, k, v) = (Heads(to_q, hiddenStates), Heads(to_k, context), Heads(to_v, context));
        var dtype = q.dtype;
        // diffusers' upcast_attention (SD 2.1) computes the scores in float32; here the whole attention is.
        if (_upcast && dtype is ScalarType.Float16 or ScalarType.BFloat16) (q, k, v) = (q.to(float32), k.to(float32), v.to(float32));
        var attended = ScaledDotProductAttention.Compute(q, k, v, attentionBias);
        var merged = attended.transpose(1, 2).reshape(b, -1, _heads * _headDim).to(dtype);
        foreach (var layer in to_out) merged = layer.forward(merged);
        return merged.MoveToOuterDisposeScope();
    }
}
