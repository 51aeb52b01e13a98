using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// adaLN-Zero (Peebles &amp; Xie 2023, §3.2) as diffusers' <c>AdaLayerNormZero</c>: from the conditioning vector c,
/// <c>linear</c>(SiLU(c)) gives shift, scale and gate for attention and for the MLP; the tokens are layer-normed
/// (no affine, eps 1e-6) and modulated, x·(1 + scale) + shift. DiT's blocks each hold their own embedding of t and y
/// (<c>emb</c>); SD3's get c from outside. With dual attention (SD3.5's <c>SD35AdaLayerNormZeroX</c>)
/// a third shift, scale and gate modulate the input of the second, image-only attention.
/// </summary>
public sealed class AdaLayerNormZero : nn.Module
{
    private readonly CombinedTimestepLabelEmbeddings? emb;
    private readonly Linear linear;
    private readonly int _dim;
    private readonly int _chunks;

    public AdaLayerNormZero(int dim, int? numClasses = null, bool dualAttention = false) : base(nameof(AdaLayerNormZero))
    {
        _dim = dim;
        _chunks = dualAttention ? 9 : 6;
        if (numClasses is int k) emb = new CombinedTimestepLabelEmbeddings(k, dim);
        linear = nn.Linear(dim, _chunks * dim);
        RegisterComponents();
    }

    /// <summary>The conditioning vector of the block's own embedding (DiT).</summary>
    public Tensor Embed(Tensor timesteps, Tensor labels) =>
        (emb ?? throw new DiffuseException("this adaLN-Zero layer has no embedding of its own")).forward(timesteps, labels);

    /// <summary>The modulated tokens and the modulation: gate_msa, shift_mlp, scale_mlp, gate_mlp (and for dual attention the second attention's input and gate).</summary>
    public AdaLayerNormZeroOutput forward(Tensor x, Tensor conditioning)
    {
        using var scope = NewDisposeScope();
        var parts = linear.forward(nn.functional.silu(conditioning)).chunk(_chunks, 1);
        var normed = nn.functional.layer_norm(x, [_dim], eps: 1e-6);
        Tensor Modulate(Tensor shift, Tensor scale) => (normed * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)).MoveToOuterDisposeScope();
        var output = new AdaLayerNormZeroOutput(Modulate(parts[0], parts[1]), parts[2].MoveToOuterDisposeScope(),
            parts[3].MoveToOuterDisposeScope(), parts[4].MoveToOuterDisposeScope(), parts[5].MoveToOuterDisposeScope(),
            _chunks == 9 ? Modulate(parts[6], parts[7]) : null, _chunks == 9 ? parts[8].MoveToOuterDisposeScope() : null);
        return output;
    }
}
