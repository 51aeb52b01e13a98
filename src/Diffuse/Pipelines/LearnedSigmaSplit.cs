using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// A network that also predicts its variance (learned Σ, Nichol &amp; Dhariwal 2021; DiT's 2C output channels), as the
/// samplers see it: only the first <paramref name="channels"/> channels, ε. diffusers' DiTPipeline guides the first C
/// channels, passes the rest through and then drops them; guiding after the split is the same arithmetic.
/// </summary>
public sealed class LearnedSigmaSplit(IDenoiser model, int channels) : IDenoiser
{
    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        using var output = model.Predict(sample, timesteps, conditioning);
        return output.narrow(1, 0, channels).contiguous();
    }
}
