using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The DiT block with adaLN-Zero (Peebles &amp; Xie 2023, §3.2, Fig. 3) as diffusers' <c>BasicTransformerBlock</c> with
/// <c>norm_type="ada_norm_zero"</c>: <c>norm1</c> embeds t and y and modulates the tokens, self-attention <c>attn1</c>
/// scaled by its gate and added back, then a layer norm (<c>norm3</c>, eps <c>norm_eps</c>) modulated by the MLP's shift
/// and scale, the feed-forward <c>ff</c>, gated and added back.
/// </summary>
public sealed class DiTTransformerBlock : nn.Module
{
    private readonly AdaLayerNormZero norm1;
    private readonly JointAttention attn1;
    private readonly LayerNorm? norm3;
    private readonly FeedForward ff;
    private readonly int _dim;
    private readonly double _eps;

    public DiTTransformerBlock(DiTTransformer2DConfig config) : base(nameof(DiTTransformerBlock))
    {
        _dim = config.InnerDim;
        _eps = config.NormEps;
        norm1 = new AdaLayerNormZero(_dim, config.NumEmbedsAdaNorm);
        attn1 = new JointAttention(_dim, config.NumAttentionHeads, config.AttentionHeadDim, config.AttentionBias, dropout: config.Dropout);
        if (config.NormElementwiseAffine) norm3 = nn.LayerNorm(_dim, _eps);
        ff = new FeedForward(_dim, config.Dropout, activation: config.ActivationFn);
        RegisterComponents();
    }

    /// <summary>The conditioning vector c of this block's own embedding (the output layer uses block 0's).</summary>
    public Tensor Embed(Tensor timesteps, Tensor labels) => norm1.Embed(timesteps, labels);

    public Tensor forward(Tensor x, Tensor timesteps, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var c = norm1.Embed(timesteps, labels).to(x.dtype);
        var m = norm1.forward(x, c);
        x = m.GateMsa.unsqueeze(1) * attn1.forward(m.Normed).Hidden + x;
        var normed = norm3 is null ? nn.functional.layer_norm(x, [_dim], eps: _eps) : norm3.forward(x);
        normed = normed * (1 + m.ScaleMlp.unsqueeze(1)) + m.ShiftMlp.unsqueeze(1);
        x = m.GateMlp.unsqueeze(1) * ff.forward(normed) + x;
        return x.MoveToOuterDisposeScope();
    }
}
