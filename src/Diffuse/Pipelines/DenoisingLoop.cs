using Diffuse.Models;
using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// The reverse process, written out as diffusers' pipelines write it: start from noise scaled by the
/// scheduler's initial sigma, and at each timestep ask the model for its prediction and the scheduler
/// for the previous sample. One dispose scope per step keeps memory flat. Cancellation is checked
/// before every step and ends the loop with <see cref="OperationCanceledException"/>.
/// </summary>
public static class DenoisingLoop
{
    public static Tensor Run(IDenoiser model, IScheduler scheduler, Tensor noise, int steps,
                             Generator? generator = null, Conditioning? conditioning = null,
                             Action<DenoisingStep>? onStep = null, CancellationToken cancellationToken = default)
    {
        if (steps <= 0) throw new DiffuseArgumentException("steps", $"must be positive (got {steps})");
        using var noGrad = no_grad();
        scheduler.SetTimesteps(steps);
        var sample = (noise * scheduler.InitNoiseSigma).DetachFromDisposeScope();
        return Continue(model, scheduler, sample, 0, generator, conditioning, onStep, cancellationToken);
    }

    /// <summary>
    /// The loop from entry <paramref name="firstIndex"/> of the scheduler's timesteps (already set), starting at
    /// <paramref name="sample"/>, which it takes over and disposes. Image-to-image starts part-way down.
    /// </summary>
    public static Tensor Continue(IDenoiser model, IScheduler scheduler, Tensor sample, int firstIndex,
                                  Generator? generator = null, Conditioning? conditioning = null,
                                  Action<DenoisingStep>? onStep = null, CancellationToken cancellationToken = default)
    {
        using var noGrad = no_grad();
        var timesteps = scheduler.Timesteps;
        for (int i = firstIndex; i < timesteps.Length; i++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                sample.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
            }
            using var scope = NewDisposeScope();
            double t = timesteps[i];
            var modelInput = scheduler.ScaleModelInput(sample, t);
            // float32, as diffusers' Euler/Heun timesteps are; the models embed t in float32 whatever its dtype.
            var modelOutput = model.Predict(modelInput, tensor(new[] { (float)t }), conditioning);
            var step = scheduler.Step(modelOutput, t, sample, generator);
            var input = sample;
            sample = step.PrevSample.DetachFromDisposeScope();
            onStep?.Invoke(new DenoisingStep(i - firstIndex, timesteps.Length - firstIndex, t, sample, step.PredOriginalSample, input));
            input.Dispose();
        }
        return sample;
    }
}
