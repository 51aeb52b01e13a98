using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Text;

/// <summary>
/// Multi-head self-attention of CLIP's text transformer (transformers' <c>CLIPAttention</c>): softmax(QKᵀ/√d + mask)V
/// over the heads, then <c>out_proj</c>. Keys: <c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>, <c>out_proj</c>. Uses
/// libtorch's fused scaled_dot_product_attention, the same maths as transformers' eager path.
/// </summary>
public sealed class ClipAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear out_proj;
    private readonly int _heads;
    private readonly int _headDim;

    public ClipAttention(int hiddenSize, int heads) : base(nameof(ClipAttention))
    {
        _heads = heads;
        _headDim = hiddenSize / heads;
        q_proj = nn.Linear(hiddenSize, hiddenSize);
        k_proj = nn.Linear(hiddenSize, hiddenSize);
        v_proj = nn.Linear(hiddenSize, hiddenSize);
        out_proj = nn.Linear(hiddenSize, hiddenSize);
        RegisterComponents();
    }

    /// <param name="x">[B, T, D] hidden states.</param>
    /// <param name="mask">Additive mask [B, 1, T, T]: 0 where a query may attend to a key, a large negative number where not.</param>
    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        Tensor Heads(Linear proj) => proj.forward(x).view(b, t, _heads, _headDim).transpose(1, 2);
        var attended = nn.functional.scaled_dot_product_attention(Heads(q_proj), Heads(k_proj), Heads(v_proj), mask);
        var merged = attended.transpose(1, 2).reshape(b, t, _heads * _headDim);
        return out_proj.forward(merged).MoveToOuterDisposeScope();
    }
}
