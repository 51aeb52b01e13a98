using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// DiT's conditioning vector c = MLP(sinusoid(t)) + embed(y) (Peebles &amp; Xie 2023, §3.2) as diffusers'
/// <c>CombinedTimestepLabelEmbeddings</c>: a 256-channel sinusoid (cos first, frequency shift 1), <c>timestep_embedder</c>,
/// and <c>class_embedder</c>.
/// </summary>
public sealed class CombinedTimestepLabelEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    public const int TimestepChannels = 256;

    private readonly SinusoidalTimestepEmbedding time_proj;
    private readonly TimestepEmbedding timestep_embedder;
    private readonly LabelEmbedding class_embedder;

    public CombinedTimestepLabelEmbeddings(int numClasses, int dim) : base(nameof(CombinedTimestepLabelEmbeddings))
    {
        time_proj = new SinusoidalTimestepEmbedding(TimestepChannels, flipSinToCos: true, freqShift: 1);
        timestep_embedder = new TimestepEmbedding(TimestepChannels, dim);
        class_embedder = new LabelEmbedding(numClasses, dim);
        RegisterComponents();
    }

    /// <param name="timesteps">[B].</param>
    /// <param name="labels">int64 [B].</param>
    public override Tensor forward(Tensor timesteps, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var emb = timestep_embedder.forward(time_proj.forward(timesteps).to(timestep_embedder.parameters().First().dtype));
        return (emb + class_embedder.forward(labels)).MoveToOuterDisposeScope();
    }
}
