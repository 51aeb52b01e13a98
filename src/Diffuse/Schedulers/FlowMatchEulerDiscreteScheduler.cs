using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// Euler's method on the rectified-flow ODE dx/dσ = v(x, σ) (Liu et al. 2022; Esser et al. 2024, §2): the network
/// predicts the velocity v = ε − x₀ of the straight path x_σ = (1 − σ)·x₀ + σ·ε, and x_{σ'} = x_σ + (σ' − σ)·v. As
/// diffusers' FlowMatchEulerDiscreteScheduler (v0.31): σ from 1 down (shifted by <c>shift</c>, or by μ with
/// <c>use_dynamic_shifting</c>), then 0; the network sees t = 1000·σ and the sample unscaled.
/// </summary>
public sealed class FlowMatchEulerDiscreteScheduler : IScheduler
{
    public const string DiffusersClassName = "FlowMatchEulerDiscreteScheduler";
    const string Name = "flow_euler";

    readonly float[] trainingSigmas;
    double[] timesteps;
    float[] sigmas;

    public FlowMatchEulerDiscreteScheduler(SchedulerConfig config)
    {
        FlowMatchSigmas.Validate(config, Name);
        Config = config with { ClassName = DiffusersClassName };
        DynamicShifting = config.UseDynamicShifting ?? false;
        trainingSigmas = FlowMatchSigmas.Training(config, shifted: !DynamicShifting);
        sigmas = trainingSigmas;
        timesteps = FlowMatchSigmas.Timesteps(trainingSigmas, config.NumTrainTimesteps).Select(t => (double)t).ToArray();
    }

    public SchedulerConfig Config { get; }

    /// <summary>True when the shift comes from μ, i.e. from the image's size (<c>use_dynamic_shifting</c>).</summary>
    public bool DynamicShifting { get; }

    /// <summary>
    /// μ of the dynamic shift for the next <see cref="SetTimesteps"/>; set it, or <see cref="ImageSequenceLength"/>, before
    /// a run when <see cref="DynamicShifting"/> is on (diffusers' <c>set_timesteps(mu=…)</c>).
    /// </summary>
    public double? Mu { get; set; }

    /// <summary>The image's token count, from which μ is computed as the SD3 and Flux pipelines do (<see cref="FlowMatchSigmas.Mu"/>).</summary>
    public long? ImageSequenceLength
    {
        set => Mu = value is long n ? FlowMatchSigmas.Mu(Config, n) : null;
    }

    public int Order => 1;
    public bool CanStartPartWay => true;
    public double InitNoiseSigma => 1.0;
    public double[] Timesteps => (double[])timesteps.Clone();

    /// <summary>σ of each timestep, then 0 after the last step (the training σ's before <see cref="SetTimesteps"/>).</summary>
    public IReadOnlyList<float> Sigmas => sigmas;

    /// <summary>σ of the training timesteps N … 1, what training indexes.</summary>
    public IReadOnlyList<float> TrainingSigmas => trainingSigmas;

    public int? StepIndex { get; private set; }

    public void SetTimesteps(int numInferenceSteps)
    {
        if (numInferenceSteps <= 0) throw new DiffuseArgumentException("steps", $"must be positive (got {numInferenceSteps})");
        if (DynamicShifting && Mu is null)
            throw new DiffuseException($"{Name}: use_dynamic_shifting needs μ (set Mu or the image's sequence length) before set_timesteps");
        var run = FlowMatchSigmas.Inference(Config, trainingSigmas[0], trainingSigmas[^1], numInferenceSteps, DynamicShifting ? Mu : null);
        timesteps = FlowMatchSigmas.Timesteps(run, Config.NumTrainTimesteps).Select(t => (double)t).ToArray();
        sigmas = [.. run, 0f];
        StepIndex = null;
    }

    /// <summary>diffusers' <c>scale_noise</c>: x_σ = σ·ε + (1 − σ)·x₀ at entry <paramref name="stepIndex"/> (x₀ itself past the last).</summary>
    public Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex) =>
        FlowMatchNoise.ScaleNoise(originalSamples, noise, sigmas, timesteps.Length, stepIndex);

    /// <summary>Flow matching feeds the sample to the network as it is.</summary>
    public Tensor ScaleModelInput(Tensor sample, double timestep)
    {
        StepIndex ??= Schedulers.StepIndex.Find(timesteps, timestep, Name);
        return sample.alias();
    }

    public SchedulerStepOutput Step(Tensor modelOutput, double timestep, Tensor sample, torch.Generator? generator = null)
    {
        SchedulerChecks.SameShape(modelOutput, sample);
        int i = StepIndex ??= Schedulers.StepIndex.Find(timesteps, timestep, Name);
        SigmaChecks.StepsLeft(i, timesteps.Length, Name);
        var output = FlowMatchEulerStep.Take(modelOutput, sample, sigmas[i], sigmas[i + 1]);
        StepIndex = i + 1;
        return output;
    }

    public void Dispose() { }
}
