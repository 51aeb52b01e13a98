using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The MMDiT block (Esser et al. 2024, §4, Fig. 2b) as diffusers' <c>JointTransformerBlock</c>: image tokens and context
/// tokens each have their own adaLN-Zero (<c>norm1</c>, <c>norm1_context</c>), attend jointly (<c>attn</c>), and have
/// their own MLP (<c>ff</c>, <c>ff_context</c>, after <c>norm2</c>/<c>norm2_context</c> modulated). The last block is
/// <c>context_pre_only</c>: its context goes only into the attention (AdaLayerNormContinuous, no context output). SD3.5's
/// dual-attention blocks add an image-only attention (<c>attn2</c>) on a second modulation of the same norm.
/// </summary>
public sealed class JointTransformerBlock : nn.Module
{
    private readonly AdaLayerNormZero norm1;
    private readonly nn.Module norm1_context;
    private readonly JointAttention attn;
    private readonly JointAttention? attn2;
    private readonly FeedForward ff;
    private readonly FeedForward? ff_context;
    private readonly int _dim;

    public JointTransformerBlock(int dim, int heads, int headDim, bool contextPreOnly, string? qkNorm, bool dualAttention)
        : base(nameof(JointTransformerBlock))
    {
        _dim = dim;
        ContextPreOnly = contextPreOnly;
        norm1 = new AdaLayerNormZero(dim, dualAttention: dualAttention);
        norm1_context = contextPreOnly ? new AdaLayerNormContinuous(dim, dim, 1e-6) : new AdaLayerNormZero(dim);
        attn = new JointAttention(dim, heads, headDim, bias: true, qkNorm, withContext: true, contextPreOnly: contextPreOnly);
        if (dualAttention) attn2 = new JointAttention(dim, heads, headDim, bias: true, qkNorm);
        ff = new FeedForward(dim, activation: FeedForward.GeluApproximate);
        if (!contextPreOnly) ff_context = new FeedForward(dim, activation: FeedForward.GeluApproximate);
        RegisterComponents();
    }

    public bool ContextPreOnly { get; }

    /// <returns>The context tokens (null after a context_pre_only block) and the image tokens.</returns>
    public (Tensor? Context, Tensor Hidden) forward(Tensor hidden, Tensor context, Tensor temb)
    {
        using var scope = NewDisposeScope();
        var m = norm1.forward(hidden, temb);
        AdaLayerNormZeroOutput? mc = null;
        Tensor normedContext;
        if (norm1_context is AdaLayerNormContinuous continuous) normedContext = continuous.forward(context, temb);
        else
        {
            mc = ((AdaLayerNormZero)norm1_context).forward(context, temb);
            normedContext = mc.Normed;
        }
        var (attnOut, contextAttnOut) = attn.forward(m.Normed, normedContext);
        hidden = hidden + m.GateMsa.unsqueeze(1) * attnOut;
        if (attn2 is not null) hidden = hidden + m.GateMsa2!.unsqueeze(1) * attn2.forward(m.Normed2!).Hidden;
        var normed = nn.functional.layer_norm(hidden, [_dim], eps: 1e-6) * (1 + m.ScaleMlp.unsqueeze(1)) + m.ShiftMlp.unsqueeze(1);
        hidden = hidden + m.GateMlp.unsqueeze(1) * ff.forward(normed);
        if (mc is null) return (null, hidden.MoveToOuterDisposeScope());
        context = context + mc.GateMsa.unsqueeze(1) * contextAttnOut!;
        var normedC = nn.functional.layer_norm(context, [_dim], eps: 1e-6) * (1 + mc.ScaleMlp.unsqueeze(1)) + mc.ShiftMlp.unsqueeze(1);
        context = context + mc.GateMlp.unsqueeze(1) * ff_context!.forward(normedC);
        return (context.MoveToOuterDisposeScope(), hidden.MoveToOuterDisposeScope());
    }
}
