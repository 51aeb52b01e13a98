using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The transformer block of Stable Diffusion (Rombach et al. 2022, §3.3 and appendix E.2) as diffusers'
/// <c>BasicTransformerBlock</c> with <c>norm_type="layer_norm"</c>: pre-norm self-attention (<c>norm1</c>,
/// <c>attn1</c>), cross-attention to the text encoder's states (<c>norm2</c>, <c>attn2</c>), and a GEGLU
/// feed-forward (<c>norm3</c>, <c>ff</c>), each added back to its input.
/// </summary>
public sealed class BasicTransformerBlock : nn.Module
{
    private readonly LayerNorm norm1;
    private readonly Attention attn1;
    private readonly LayerNorm norm2;
    private readonly Attention attn2;
    private readonly LayerNorm norm3;
    private readonly FeedForward ff;

    public BasicTransformerBlock(int dim, int heads, int headDim, int crossAttentionDim, bool upcastAttention,
                                 double dropout = 0.0, double normEps = 1e-5) : base(nameof(BasicTransformerBlock))
    {
        norm1 = nn.LayerNorm(dim, normEps);
        attn1 = new Attention(dim, null, heads, headDim, upcastAttention, dropout);
        norm2 = nn.LayerNorm(dim, normEps);
        attn2 = new Attention(dim, crossAttentionDim, heads, headDim, upcastAttention, dropout);
        norm3 = nn.LayerNorm(dim, normEps);
        ff = new FeedForward(dim, dropout);
        RegisterComponents();
    }

    /// <param name="x">[B, N, dim] tokens.</param>
    /// <param name="encoderHiddenStates">[B, L, cross_attention_dim].</param>
    /// <param name="encoderAttentionBias">Additive bias on the cross-attention scores, or null.</param>
    public Tensor forward(Tensor x, Tensor encoderHiddenStates, Tensor? encoderAttentionBias)
    {
        using var scope = NewDisposeScope();
        x = attn1.forward(norm1.forward(x)) + x;
        x = attn2.forward(norm2.forward(x), encoderHiddenStates, encoderAttentionBias) + x;
        x = ff.forward(norm3.forward(x)) + x;
        return x.MoveToOuterDisposeScope();
    }
}
