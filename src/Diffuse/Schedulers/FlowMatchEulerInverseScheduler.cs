using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// Inversion for a flow-matching model: <see cref="FlowMatchEulerDiscreteScheduler"/>'s σ grid walked backwards, from
/// the image at σ = 0 up to noise at the first σ, one Euler step x_{σ'} = x_σ + (σ' − σ)·v each (the velocity read
/// at the level the sample is at). It is DDIM inversion's deterministic step written for the flow process, as
/// flow_euler is DDIM's; running flow_euler with the same number of steps from its result returns the image, up to
/// the error of reading v one level off. Not a diffusers class (diffusers has no flow inversion).
/// </summary>
public sealed class FlowMatchEulerInverseScheduler : IScheduler
{
    const string Name = "flow_euler inversion";

    readonly FlowMatchEulerDiscreteScheduler forward;
    float[] sigmas = [];
    double[] timesteps = [];
    int? stepIndex;

    public FlowMatchEulerInverseScheduler(SchedulerConfig config)
    {
        forward = new FlowMatchEulerDiscreteScheduler(config);
        Config = forward.Config;
    }

    public SchedulerConfig Config { get; }
    public int Order => 1;
    public bool CanStartPartWay => false;
    public double InitNoiseSigma => 1.0;
    public double[] Timesteps => (double[])timesteps.Clone();

    /// <summary>σ of each step's start, rising from 0, then the first σ of the forward run the inversion ends at.</summary>
    public IReadOnlyList<float> Sigmas => sigmas;

    public void SetTimesteps(int numInferenceSteps)
    {
        forward.SetTimesteps(numInferenceSteps);
        sigmas = forward.Sigmas.Reverse().ToArray();
        timesteps = FlowMatchSigmas.Timesteps(sigmas[..^1], Config.NumTrainTimesteps).Select(t => (double)t).ToArray();
        stepIndex = null;
    }

    public Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex) => throw PartWayNoise.NotSupported(Name);

    public Tensor ScaleModelInput(Tensor sample, double timestep)
    {
        stepIndex ??= StepIndex.Find(timesteps, timestep, Name);
        return sample.alias();
    }

    public SchedulerStepOutput Step(Tensor modelOutput, double timestep, Tensor sample, torch.Generator? generator = null)
    {
        SchedulerChecks.SameShape(modelOutput, sample);
        int i = stepIndex ??= StepIndex.Find(timesteps, timestep, Name);
        SigmaChecks.StepsLeft(i, timesteps.Length, Name);
        var output = FlowMatchEulerStep.Take(modelOutput, sample, sigmas[i], sigmas[i + 1]);
        stepIndex = i + 1;
        return output;
    }

    public void Dispose() => forward.Dispose();
}
