using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// diffusers' scheduler face: the caller writes the sampling loop
/// (<c>SetTimesteps</c>; x = noise·InitNoiseSigma; for t in Timesteps: x = Step(model(ScaleModelInput(x, t), t), t, x)).
/// A scheduler owns its <see cref="NoiseSchedule"/>.
/// </summary>
public interface IScheduler : IDisposable
{
    SchedulerConfig Config { get; }

    NoiseSchedule Schedule { get; }

    /// <summary>Standard deviation of the noise a sampling loop starts from.</summary>
    double InitNoiseSigma { get; }

    /// <summary>Model evaluations per step of the underlying ODE/SDE solver (1 for DDPM and DDIM).</summary>
    int Order { get; }

    /// <summary>The timesteps to visit, descending; all T training timesteps until <see cref="SetTimesteps"/>.</summary>
    long[] Timesteps { get; }

    void SetTimesteps(int numInferenceSteps);

    /// <summary>The model input for <paramref name="sample"/> at <paramref name="timestep"/> (a new handle; dispose it).</summary>
    Tensor ScaleModelInput(Tensor sample, long timestep);

    /// <summary>One reverse step from x_t to x_{t_prev}, given the model output at x_t.</summary>
    SchedulerStepOutput Step(Tensor modelOutput, long timestep, Tensor sample, torch.Generator? generator = null);
}
