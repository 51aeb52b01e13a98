using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// The denoised D(x; σ) of Karras et al. 2022 from a network output, with x at the σ scale (x = x_0 + σ·ε):
/// x_0 = x − σ·ε, or x_0 = −σ/sqrt(σ²+1)·v + x/(σ²+1) for v-prediction (Table 1, c_out and c_skip), in diffusers'
/// order of float32 operations.
/// </summary>
static class SigmaPredictions
{
    /// <summary>ε is read at <paramref name="sigmaHat"/> (σ after churn), v at <paramref name="sigma"/>, as diffusers' Euler does.</summary>
    public static Tensor Original(Tensor modelOutput, Tensor sample, float sigma, float sigmaHat, PredictionType type) => type switch
    {
        PredictionType.Epsilon => sample - SchedulerChecks.Scalar(sigmaHat) * modelOutput,
        PredictionType.Sample => modelOutput.alias(),
        PredictionType.VPrediction =>
            modelOutput * SchedulerChecks.Scalar(-sigma / MathF.Sqrt(sigma * sigma + 1f))
            + sample / SchedulerChecks.Scalar(sigma * sigma + 1f),
        _ => throw new DiffuseException($"unknown prediction type {(int)type}"),
    };
}
