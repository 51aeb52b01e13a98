using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The spatial transformer of Stable Diffusion's UNet (Rombach et al. 2022, appendix E.2) as diffusers'
/// <c>Transformer2DModel</c> on continuous input: GroupNorm (<c>norm</c>, eps 1e-6), <c>proj_in</c> to the
/// attention width, the pixels as tokens through <c>transformer_blocks</c>, <c>proj_out</c> back, plus the input.
/// The projections are 1×1 convolutions (SD 1.x) or, with <c>use_linear_projection</c> (SD 2.x), linear layers
/// applied after flattening: the same maps, stored with and without the two trailing 1×1 dimensions.
/// </summary>
public sealed class Transformer2DModel : nn.Module
{
    private readonly GroupNorm norm;
    private readonly nn.Module<Tensor, Tensor> proj_in;
    private readonly ModuleList<BasicTransformerBlock> transformer_blocks = new();
    private readonly nn.Module<Tensor, Tensor> proj_out;
    private readonly bool _linearProjection;

    public Transformer2DModel(int channels, int heads, int crossAttentionDim, int numLayers, int groups,
                              bool useLinearProjection, bool upcastAttention, double dropout = 0.0)
        : base(nameof(Transformer2DModel))
    {
        int headDim = channels / heads;
        int inner = heads * headDim;
        _linearProjection = useLinearProjection;
        norm = Normalization.GroupNorm(groups, channels, 1e-6);
        proj_in = useLinearProjection ? nn.Linear(channels, inner) : nn.Conv2d(channels, inner, 1);
        for (int i = 0; i < numLayers; i++)
            transformer_blocks.Add(new BasicTransformerBlock(inner, heads, headDim, crossAttentionDim, upcastAttention, dropout));
        proj_out = useLinearProjection ? nn.Linear(inner, channels) : nn.Conv2d(inner, channels, 1);
        RegisterComponents();
    }

    /// <param name="x">[B, C, H, W] feature map.</param>
    /// <param name="encoderHiddenStates">[B, L, cross_attention_dim].</param>
    /// <param name="encoderAttentionBias">Additive cross-attention bias, or null.</param>
    public Tensor forward(Tensor x, Tensor encoderHiddenStates, Tensor? encoderAttentionBias)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], h = x.shape[2], w = x.shape[3];
        var hidden = norm.forward(x);
        if (!_linearProjection) hidden = proj_in.forward(hidden);
        var tokens = hidden.permute(0, 2, 3, 1).reshape(b, h * w, hidden.shape[1]);
        if (_linearProjection) tokens = proj_in.forward(tokens);
        foreach (var block in transformer_blocks) tokens = block.forward(tokens, encoderHiddenStates, encoderAttentionBias);
        if (_linearProjection) tokens = proj_out.forward(tokens);
        var map = tokens.reshape(b, h, w, tokens.shape[2]).permute(0, 3, 1, 2).contiguous();
        if (!_linearProjection) map = proj_out.forward(map);
        return (map + x).MoveToOuterDisposeScope();
    }
}
