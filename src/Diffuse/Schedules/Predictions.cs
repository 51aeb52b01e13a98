using static TorchSharp.torch;

namespace Diffuse.Schedules;

/// <summary>
/// Converts a network output of any <see cref="PredictionType"/> into x_0 or ε at x_t, given sqrt(ᾱ_t) and
/// sqrt(1 − ᾱ_t) as tensors that broadcast against the sample. The order of operations is diffusers', so float32
/// results agree with it.
/// </summary>
public static class Predictions
{
    /// <summary>x_0 = (x_t − sqrt(1−ᾱ_t)·ε)/sqrt(ᾱ_t) (Ho et al. 2020, eq. 15); x_0 = sqrt(ᾱ_t)·x_t − sqrt(1−ᾱ_t)·v (Salimans &amp; Ho 2022).</summary>
    public static Tensor Original(Tensor modelOutput, Tensor sample, Tensor sqrtAlphaProd, Tensor sqrtBetaProd, PredictionType type) =>
        type switch
        {
            PredictionType.Epsilon => (sample - sqrtBetaProd * modelOutput) / sqrtAlphaProd,
            PredictionType.Sample => modelOutput.alias(),
            PredictionType.VPrediction => sqrtAlphaProd * sample - sqrtBetaProd * modelOutput,
            _ => throw new DiffuseException($"unknown prediction type {(int)type}"),
        };

    /// <summary>ε = (x_t − sqrt(ᾱ_t)·x_0)/sqrt(1−ᾱ_t); ε = sqrt(ᾱ_t)·v + sqrt(1−ᾱ_t)·x_t.</summary>
    public static Tensor Epsilon(Tensor modelOutput, Tensor sample, Tensor sqrtAlphaProd, Tensor sqrtBetaProd, PredictionType type) =>
        type switch
        {
            PredictionType.Epsilon => modelOutput.alias(),
            PredictionType.Sample => (sample - sqrtAlphaProd * modelOutput) / sqrtBetaProd,
            PredictionType.VPrediction => sqrtAlphaProd * modelOutput + sqrtBetaProd * sample,
            _ => throw new DiffuseException($"unknown prediction type {(int)type}"),
        };
}
