using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Text;

/// <summary>
/// The feed-forward block of a CLIP layer (transformers' <c>CLIPMLP</c>): <c>fc2(act(fc1(x)))</c>. The activation is
/// <c>quick_gelu</c>, x·σ(1.702x) as OpenAI's CLIP trained with (transformers' <c>QuickGELUActivation</c>), or the exact
/// erf <c>gelu</c> (OpenCLIP's ViT-H text encoder of Stable Diffusion 2.x).
/// </summary>
public sealed class ClipMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly bool _quickGelu;

    public ClipMlp(int hiddenSize, int intermediateSize, string hiddenAct) : base(nameof(ClipMlp))
    {
        _quickGelu = hiddenAct switch
        {
            "quick_gelu" => true,
            "gelu" => false,
            _ => throw new DiffuseArgumentException("hidden_act", $"'{hiddenAct}' is not supported (supported: {string.Join(", ", ClipTextConfig.Activations)})"),
        };
        fc1 = nn.Linear(hiddenSize, intermediateSize);
        fc2 = nn.Linear(intermediateSize, hiddenSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = fc1.forward(x);
        h = _quickGelu ? h * sigmoid(1.702 * h) : nn.functional.gelu(h);
        return fc2.forward(h).MoveToOuterDisposeScope();
    }
}
