using Diffuse.Models;

namespace Diffuse.Pipelines;

/// <summary>
/// The conditioning of one batch of samples as a pipeline plans it: the conditional record, the unconditional one
/// that classifier-free guidance contrasts it with (null: no guidance), and the grid columns that show it best.
/// </summary>
public sealed record SampleConditioning(Conditioning Conditional, Conditioning? Unconditional, int? Columns = null)
{
    public static SampleConditioning None { get; } = new(Conditioning.None, null);

    /// <summary>The denoiser the loop calls: the network under this conditioning, guided with scale s when there is an unconditional record.</summary>
    public IDenoiser Apply(IDenoiser network, double guidanceScale, double guidanceRescale = 0) => Unconditional is null
        ? new ConditionedDenoiser(network, Conditional)
        : new ClassifierFreeGuidance(network, Conditional, Unconditional, guidanceScale, guidanceRescale);
}
