using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// Another scheduler with its step noise drawn from a generator of its own, and its steps counted. The sampling
/// loop's generator then draws only the starting noise, so stochastic samplers (DDPM, Euler ancestral) and
/// deterministic ones start every batch from the same noise; and since the loop calls the network once per step,
/// <see cref="Steps"/> is the number of network evaluations (Heun's 2N − 1 included).
/// </summary>
public sealed class StepNoiseScheduler(IScheduler inner, Generator stepNoise) : IScheduler
{
    /// <summary>Calls of <see cref="Step"/> so far.</summary>
    public int Steps { get; private set; }

    public SchedulerConfig Config => inner.Config;
    public double InitNoiseSigma => inner.InitNoiseSigma;
    public int Order => inner.Order;
    public bool CanStartPartWay => inner.CanStartPartWay;
    public Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex) => inner.AddNoise(originalSamples, noise, stepIndex);
    public double[] Timesteps => inner.Timesteps;

    public void SetTimesteps(int numInferenceSteps) => inner.SetTimesteps(numInferenceSteps);

    public Tensor ScaleModelInput(Tensor sample, double timestep) => inner.ScaleModelInput(sample, timestep);

    /// <summary>The inner step with this scheduler's generator in place of <paramref name="generator"/>.</summary>
    public SchedulerStepOutput Step(Tensor modelOutput, double timestep, Tensor sample, torch.Generator? generator = null)
    {
        Steps++;
        return inner.Step(modelOutput, timestep, sample, stepNoise);
    }

    public void Dispose() => inner.Dispose();
}
