using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// Multi-head attention of the diffusion transformers as diffusers' <c>Attention</c> builds it for DiT and SD3: <c>to_q</c>,
/// <c>to_k</c>, <c>to_v</c> (with bias when asked), <c>to_out.0</c>, and optionally a per-head norm of queries and keys
/// (<c>qk_norm</c>: <c>norm_q</c>, <c>norm_k</c>, RMSNorm or LayerNorm, eps 1e-6). With context (SD3's MMDiT, Esser et al.
/// 2024, §4, Fig. 2) the context tokens get their own projections (<c>add_q_proj</c>, <c>add_k_proj</c>,
/// <c>add_v_proj</c>, normed by <c>norm_added_q</c>/<c>norm_added_k</c>), image and context tokens attend jointly over
/// their concatenation, and the two parts come out separately (the context through <c>to_add_out</c>, unless this is
/// the last block, <c>context_pre_only</c>). softmax(QKᵀ/√d)V through ScaledDotProductAttention (libtorch's fused kernel; the explicit product in bfloat16 on the CPU),
/// as diffusers' JointAttnProcessor2_0 calls it.
/// </summary>
public sealed class JointAttention : nn.Module
{
    public const string RmsNormKind = "rms_norm";
    public const string LayerNormKind = "layer_norm";

    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> to_out;
    private readonly nn.Module<Tensor, Tensor>? norm_q;
    private readonly nn.Module<Tensor, Tensor>? norm_k;
    private readonly Linear? add_q_proj;
    private readonly Linear? add_k_proj;
    private readonly Linear? add_v_proj;
    private readonly Linear? to_add_out;
    private readonly nn.Module<Tensor, Tensor>? norm_added_q;
    private readonly nn.Module<Tensor, Tensor>? norm_added_k;
    private readonly int _heads;
    private readonly int _headDim;

    /// <param name="dim">Width of the tokens in and out.</param>
    /// <param name="bias">Bias on to_q, to_k, to_v (diffusers' <c>bias</c>).</param>
    /// <param name="qkNorm">null, "rms_norm" or "layer_norm".</param>
    /// <param name="withContext">Joint attention with context tokens (diffusers' <c>added_kv_proj_dim</c> = dim).</param>
    /// <param name="contextPreOnly">With context: the context's output is not needed (the last MMDiT block), so no to_add_out.</param>
    public JointAttention(int dim, int heads, int headDim, bool bias, string? qkNorm = null, bool withContext = false,
                          bool contextPreOnly = false, double dropout = 0.0) : base(nameof(JointAttention))
    {
        int inner = heads * headDim;
        _heads = heads;
        _headDim = headDim;
        to_q = nn.Linear(dim, inner, hasBias: bias);
        to_k = nn.Linear(dim, inner, hasBias: bias);
        to_v = nn.Linear(dim, inner, hasBias: bias);
        to_out = nn.ModuleList<nn.Module<Tensor, Tensor>>(nn.Linear(inner, dim), nn.Dropout(dropout));
        norm_q = Norm(qkNorm, headDim);
        norm_k = Norm(qkNorm, headDim);
        if (withContext)
        {
            add_q_proj = nn.Linear(dim, inner);
            add_k_proj = nn.Linear(dim, inner);
            add_v_proj = nn.Linear(dim, inner);
            if (!contextPreOnly) to_add_out = nn.Linear(inner, dim);
            norm_added_q = Norm(qkNorm, headDim);
            norm_added_k = Norm(qkNorm, headDim);
        }
        RegisterComponents();
    }

    static nn.Module<Tensor, Tensor>? Norm(string? kind, int headDim) => kind switch
    {
        null => null,
        RmsNormKind => new RmsNorm(headDim, 1e-6),
        LayerNormKind => nn.LayerNorm(headDim, 1e-6),
        _ => throw new DiffuseException($"qk_norm '{kind}' is not supported (supported: null, {RmsNormKind}, {LayerNormKind})"),
    };

    /// <param name="hiddenStates">[B, N, dim] image tokens.</param>
    /// <param name="context">[B, L, dim] context tokens, for joint attention; null for self-attention.</param>
    /// <returns>The image tokens' output, and the context tokens' (null without context or for context_pre_only).</returns>
    public (Tensor Hidden, Tensor? Context) forward(Tensor hiddenStates, Tensor? context = null)
    {
        using var scope = NewDisposeScope();
        long b = hiddenStates.shape[0], n = hiddenStates.shape[1];
        Tensor Heads(Linear proj, Tensor x, nn.Module<Tensor, Tensor>? norm)
        {
            var h = proj.forward(x).view(b, -1, _heads, _headDim).transpose(1, 2);
            return norm is null ? h : norm.forward(h);
        }
        var q = Heads(to_q, hiddenStates, norm_q);
        var k = Heads(to_k, hiddenStates, norm_k);
        var v = Heads(to_v, hiddenStates, null);
        if (context is not null)
        {
            if (add_q_proj is null) throw new DiffuseException("this attention layer takes no context tokens");
            q = cat([q, Heads(add_q_proj, context, norm_added_q)], 2);
            k = cat([k, Heads(add_k_proj!, context, norm_added_k)], 2);
            v = cat([v, Heads(add_v_proj!, context, null)], 2);
        }
        var attended = ScaledDotProductAttention.Compute(q, k, v);
        var merged = attended.transpose(1, 2).reshape(b, -1, _heads * _headDim);
        var image = merged[.., ..(int)n];
        foreach (var layer in to_out) image = layer.forward(image);
        Tensor? contextOut = null;
        if (context is not null && to_add_out is not null) contextOut = to_add_out.forward(merged[.., (int)n..]).MoveToOuterDisposeScope();
        return (image.MoveToOuterDisposeScope(), contextOut);
    }
}
