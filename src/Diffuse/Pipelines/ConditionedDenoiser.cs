using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// A denoiser with its conditioning fixed, for loops that call the network without any (the trainer's and the
/// samplers' own loops): it ignores what the caller passes and always uses the given record.
/// </summary>
public sealed class ConditionedDenoiser(IDenoiser model, Conditioning conditioning) : IDenoiser
{
    public Conditioning Conditioning => conditioning;

    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? ignored = null) =>
        model.Predict(sample, timesteps, conditioning);
}
