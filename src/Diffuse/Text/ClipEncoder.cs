using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Text;

/// <summary>The stack of <see cref="ClipEncoderLayer"/>s (transformers' <c>CLIPEncoder</c>, key <c>layers.{i}</c>); returns every layer's output.</summary>
public sealed class ClipEncoder : nn.Module<Tensor, Tensor, Tensor[]>
{
    private readonly ModuleList<ClipEncoderLayer> layers;

    public ClipEncoder(ClipTextConfig config) : base(nameof(ClipEncoder))
    {
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new ClipEncoderLayer(config)).ToArray());
        RegisterComponents();
    }

    public override Tensor[] forward(Tensor x, Tensor mask)
    {
        var outputs = new Tensor[layers.Count];
        for (int i = 0; i < layers.Count; i++) x = outputs[i] = layers[i].forward(x, mask);
        return outputs;
    }
}
