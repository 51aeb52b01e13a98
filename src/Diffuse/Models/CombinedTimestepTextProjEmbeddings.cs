using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// SD3's conditioning vector (Esser et al. 2024, §4, Fig. 2a) as diffusers' <c>CombinedTimestepTextProjEmbeddings</c>: the
/// MLP of a 256-channel sinusoid of t (cos first, no frequency shift; <c>timestep_embedder</c>) plus the pooled text
/// embedding through <c>text_embedder</c> (linear, SiLU, linear: diffusers' PixArtAlphaTextProjection with
/// act_fn="silu", the same layers and names as a <see cref="TimestepEmbedding"/>).
/// </summary>
public sealed class CombinedTimestepTextProjEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly SinusoidalTimestepEmbedding time_proj;
    private readonly TimestepEmbedding timestep_embedder;
    private readonly TimestepEmbedding text_embedder;

    public CombinedTimestepTextProjEmbeddings(int dim, int pooledProjectionDim) : base(nameof(CombinedTimestepTextProjEmbeddings))
    {
        time_proj = new SinusoidalTimestepEmbedding(CombinedTimestepLabelEmbeddings.TimestepChannels, flipSinToCos: true, freqShift: 0);
        timestep_embedder = new TimestepEmbedding(CombinedTimestepLabelEmbeddings.TimestepChannels, dim);
        text_embedder = new TimestepEmbedding(pooledProjectionDim, dim);
        RegisterComponents();
    }

    /// <param name="timesteps">[B].</param>
    /// <param name="pooled">[B, pooled_projection_dim].</param>
    public override Tensor forward(Tensor timesteps, Tensor pooled)
    {
        using var scope = NewDisposeScope();
        var emb = timestep_embedder.forward(time_proj.forward(timesteps).to(pooled.dtype));
        return (emb + text_embedder.forward(pooled)).MoveToOuterDisposeScope();
    }
}
