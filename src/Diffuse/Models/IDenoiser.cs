using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// What a sampling loop or trainer needs of a network: given noisy samples x_t and their timesteps,
/// predict ε, x₀ or v (whichever the model was trained for), under the given <see cref="Conditioning"/>
/// (none for an unconditional model).
/// </summary>
public interface IDenoiser
{
    Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null);
}
