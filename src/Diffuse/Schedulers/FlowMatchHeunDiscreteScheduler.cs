using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// Heun's second-order method on the rectified-flow ODE (Karras et al. 2022, Algorithm 1, with v for the derivative):
/// an Euler step to σ', the velocity there, then the step again with the mean of the two velocities. As diffusers'
/// FlowMatchHeunDiscreteScheduler (v0.31): the σ's of <see cref="FlowMatchEulerDiscreteScheduler"/> with every timestep
/// after the first listed twice (2n − 1 network calls for n steps), the last step a plain Euler step to σ = 0. That
/// class knows only <c>shift</c>; like it, this one ignores dynamic shifting.
/// </summary>
public sealed class FlowMatchHeunDiscreteScheduler : IScheduler
{
    public const string DiffusersClassName = "FlowMatchHeunDiscreteScheduler";
    const string Name = "flow_heun";

    readonly float[] trainingSigmas;
    double[] timesteps;
    float[] sigmas;
    Tensor? prevDerivative;
    Tensor? firstSample;
    float? dt;

    public FlowMatchHeunDiscreteScheduler(SchedulerConfig config)
    {
        FlowMatchSigmas.Validate(config, Name);
        Config = config with { ClassName = DiffusersClassName };
        trainingSigmas = FlowMatchSigmas.Training(config, shifted: true);
        sigmas = trainingSigmas;
        timesteps = FlowMatchSigmas.Timesteps(trainingSigmas, config.NumTrainTimesteps).Select(t => (double)t).ToArray();
    }

    public SchedulerConfig Config { get; }
    public int Order => 2;
    public bool CanStartPartWay => false;
    public double InitNoiseSigma => 1.0;
    public double[] Timesteps => (double[])timesteps.Clone();

    /// <summary>σ of each entry of the timesteps (the second visit of a timestep repeats its σ), then 0.</summary>
    public IReadOnlyList<float> Sigmas => sigmas;

    public int? StepIndex { get; private set; }

    public void SetTimesteps(int numInferenceSteps)
    {
        if (numInferenceSteps <= 0) throw new DiffuseArgumentException("steps", $"must be positive (got {numInferenceSteps})");
        var run = FlowMatchSigmas.Inference(Config, trainingSigmas[0], trainingSigmas[^1], numInferenceSteps, mu: null);
        var once = FlowMatchSigmas.Timesteps(run, Config.NumTrainTimesteps);
        timesteps = once.Take(1).Concat(once.Skip(1).SelectMany(t => new[] { t, t })).Select(t => (double)t).ToArray();
        // σ: the first, each of the others twice, then 0.
        sigmas = run.Take(1).Concat(run.Skip(1).SelectMany(s => new[] { s, s })).Append(0f).ToArray();
        ResetState();
        StepIndex = null;
    }

    public Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex) => throw PartWayNoise.NotSupported(Name);

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
        using var scope = NewDisposeScope();
        var x = sample.to(float32);
        Tensor prev, predOriginal;
        if (dt is null)
        {
            // First stage: denoised = x − σ·v, d = (x − denoised)/σ̂ (σ̂ = σ without churn), Euler to σ_next.
            float sigma = sigmas[i], sigmaNext = sigmas[i + 1];
            predOriginal = x - modelOutput * SchedulerChecks.Scalar(sigma);
            var derivative = (x - predOriginal) / SchedulerChecks.Scalar(sigma);
            dt = sigmaNext - sigma;
            prevDerivative = derivative.DetachFromDisposeScope();
            firstSample = x.alias().DetachFromDisposeScope();
            prev = x + derivative * SchedulerChecks.Scalar(dt.Value);
        }
        else
        {
            // Second stage at σ_next: the velocity there averaged with the first one, the step retaken from the first x.
            float sigmaNext = sigmas[i];
            predOriginal = x - modelOutput * SchedulerChecks.Scalar(sigmaNext);
            var derivative = (x - predOriginal) / SchedulerChecks.Scalar(sigmaNext);
            derivative = 0.5 * (prevDerivative! + derivative);
            prev = firstSample! + derivative * SchedulerChecks.Scalar(dt.Value);
            ResetState();
        }
        StepIndex = i + 1;
        return new SchedulerStepOutput(prev.to(modelOutput.dtype).MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }

    void ResetState()
    {
        prevDerivative?.Dispose();
        firstSample?.Dispose();
        (prevDerivative, firstSample, dt) = (null, null, null);
    }

    public void Dispose() => ResetState();
}
