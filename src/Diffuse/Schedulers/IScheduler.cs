using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// diffusers' scheduler face: the caller writes the sampling loop
/// (<c>SetTimesteps</c>; x = noise·InitNoiseSigma; for t in Timesteps: x = Step(model(ScaleModelInput(x, t), t), t, x)).
/// Nothing here assumes a β schedule: the flow-matching samplers have none (those that do are <see cref="IBetaScheduler"/>s).
/// </summary>
public interface IScheduler : IDisposable
{
    SchedulerConfig Config { get; }

    /// <summary>Standard deviation of the noise a sampling loop starts from.</summary>
    double InitNoiseSigma { get; }

    /// <summary>Model evaluations per step of the underlying ODE/SDE solver (1 for DDPM and DDIM).</summary>
    int Order { get; }

    /// <summary>
    /// The timesteps to visit, in order, as the model sees them: integers for DDPM, DDIM, DPM-Solver and PNDM;
    /// float32 values that may be fractional for Euler and Heun (diffusers' float timesteps). Heun and PNDM visit
    /// some timesteps twice.
    /// </summary>
    double[] Timesteps { get; }

    void SetTimesteps(int numInferenceSteps);

    /// <summary>
    /// Whether a loop may begin at any entry of <see cref="Timesteps"/> from <see cref="AddNoise"/>'s sample
    /// (image-to-image, inpainting). False for samplers that list timesteps twice or keep multistep state tied to the
    /// start (Heun, PNDM).
    /// </summary>
    bool CanStartPartWay { get; }

    /// <summary>
    /// diffusers' <c>add_noise</c>, by position: <paramref name="originalSamples"/> x₀ noised with
    /// <paramref name="noise"/> to the level the sampling loop holds on entering entry <paramref name="stepIndex"/>
    /// of <see cref="Timesteps"/> (Timesteps.Length: the end of the loop, x₀ itself), in this sampler's own
    /// parameterisation. Throws when <see cref="CanStartPartWay"/> is false.
    /// </summary>
    Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex);

    /// <summary>The model input for <paramref name="sample"/> at <paramref name="timestep"/> (a new handle; dispose it).</summary>
    Tensor ScaleModelInput(Tensor sample, double timestep);

    /// <summary>
    /// One reverse step from x_t to x_{t_prev}, given the model output at x_t. Multistep and two-stage samplers
    /// (DPM-Solver, Heun, PNDM) keep state between calls: call it once per entry of <see cref="Timesteps"/>, in order.
    /// </summary>
    SchedulerStepOutput Step(Tensor modelOutput, double timestep, Tensor sample, torch.Generator? generator = null);
}
