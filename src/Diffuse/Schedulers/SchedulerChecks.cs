using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>Argument checks the samplers share, each failing with a one-line <see cref="DiffuseException"/>.</summary>
static class SchedulerChecks
{
    public static void Supported(SchedulerConfig config, string sampler)
    {
        config.Validate();
        if (config.Thresholding)
            throw new DiffuseException($"{sampler}: thresholding=true is not supported (set it to false)");
    }

    public static void SameShape(Tensor modelOutput, Tensor sample)
    {
        if (!modelOutput.shape.SequenceEqual(sample.shape))
            throw new DiffuseException(
                $"model output shape [{string.Join(", ", modelOutput.shape)}] differs from sample shape [{string.Join(", ", sample.shape)}]");
    }

    /// <summary>A timestep given as a double that must be a whole training timestep (DDPM, DDIM, PNDM index ᾱ by it).</summary>
    public static long IntegerTimestep(double timestep, string sampler) =>
        timestep == Math.Floor(timestep) && Math.Abs(timestep) < 1e15
            ? (long)timestep
            : throw new DiffuseException($"{sampler}: timestep {timestep} is not a whole training timestep");

    /// <summary>A float32 scalar tensor, as diffusers' coefficients indexed out of float32 schedules are.</summary>
    public static Tensor Scalar(float value) => tensor(value, dtype: float32);
}
