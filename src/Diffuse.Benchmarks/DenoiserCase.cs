using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Benchmarks;

/// <summary>
/// One text-conditioned denoising step to time: a <see cref="UNet2DConditionModel"/> of the given config with random
/// (seeded) weights, run in <paramref name="DType"/> on a batch of <paramref name="Batch"/> latents of
/// <paramref name="LatentSize"/>² cross-attending to <paramref name="Tokens"/> text states.
/// </summary>
public sealed record DenoiserCase(string Name, string Description, UNet2DConditionConfig Config, int LatentSize, int Batch, int Tokens, ScalarType DType);
