using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// Ancestral sampling with Euler steps, as diffusers 0.31's EulerAncestralDiscreteScheduler (after k-diffusion's
/// <c>sample_euler_ancestral</c>): each step from σ to σ_next is split into a deterministic Euler step down to
/// σ_down and fresh noise of standard deviation σ_up, with σ_down² + σ_up² = σ_next² so the marginal matches
/// (Song et al. 2021b, "Score-Based Generative Modeling through SDEs", reverse SDE; Karras et al. 2022, §4).
/// </summary>
public sealed class EulerAncestralDiscreteScheduler : IBetaScheduler, IStochasticScheduler
{
    public const string DiffusersClassName = "EulerAncestralDiscreteScheduler";
    const string Name = "euler_ancestral";

    readonly PredictionType predictionType;
    readonly float[] trainingSigmas;
    double[] timesteps;
    float[] sigmas;
    double eta = 1.0;

    public EulerAncestralDiscreteScheduler(SchedulerConfig config)
    {
        SchedulerChecks.Supported(config, Name);
        SigmaChecks.NoExponentialOrBetaSigmas(config, Name);
        if (config.UseKarrasSigmas == true)
            throw new DiffuseException($"{Name}: use_karras_sigmas=true is not supported (set it to false)");
        predictionType = config.ParsePredictionType();
        if (predictionType == PredictionType.Sample)
            throw new DiffuseException($"{Name}: prediction_type '{config.PredictionType}' is not supported (expected epsilon, v_prediction)");
        Config = config with { ClassName = DiffusersClassName };
        Schedule = NoiseSchedule.FromConfig(config);
        trainingSigmas = DiscreteSigmas.Training(Schedule, config.RescaleBetasZeroSnr);
        sigmas = trainingSigmas.Reverse().Append(0f).ToArray();
        timesteps = Enumerable.Range(0, config.NumTrainTimesteps).Reverse().Select(t => (double)t).ToArray();
    }

    public SchedulerConfig Config { get; }
    public NoiseSchedule Schedule { get; }
    public int Order => 1;
    public bool CanStartPartWay => true;
    public Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex) => PartWayNoise.Karras(originalSamples, noise, Sigmas, stepIndex);
    public double[] Timesteps => (double[])timesteps.Clone();
    public int? NumInferenceSteps { get; private set; }
    public int? StepIndex { get; private set; }

    /// <summary>σ of each timestep, then 0.</summary>
    public IReadOnlyList<float> Sigmas => sigmas;

    public double InitNoiseSigma => DiscreteSigmas.InitNoiseSigma(sigmas, Config.TimestepSpacing);

    /// <summary>
    /// k-diffusion's η: σ_up = min(σ_next, η·σ_next·sqrt(σ² − σ_next²)/σ). 1 (diffusers, fully ancestral) by
    /// default; 0 is the deterministic Euler sampler.
    /// </summary>
    public double Eta
    {
        get => eta;
        set => eta = value >= 0 && double.IsFinite(value)
            ? value
            : throw new DiffuseException($"{Name}: eta must be a finite number ≥ 0, got {value}");
    }

    public void SetTimesteps(int numInferenceSteps)
    {
        var steps = SigmaSteps.Make(Config, trainingSigmas, numInferenceSteps, karras: false, finalSigma: 0.0);
        timesteps = steps.Timesteps;
        sigmas = steps.Sigmas;
        NumInferenceSteps = numInferenceSteps;
        StepIndex = null;
    }

    public Tensor ScaleModelInput(Tensor sample, double timestep)
    {
        StepIndex ??= Schedulers.StepIndex.Find(timesteps, timestep, Name);
        return DiscreteSigmas.ScaleModelInput(sample, sigmas[StepIndex.Value]);
    }

    public SchedulerStepOutput Step(Tensor modelOutput, double timestep, Tensor sample, torch.Generator? generator = null)
    {
        SchedulerChecks.SameShape(modelOutput, sample);
        int i = StepIndex ??= Schedulers.StepIndex.Find(timesteps, timestep, Name);
        SigmaChecks.StepsLeft(i, timesteps.Length, Name);
        float sigmaFrom = sigmas[i], sigmaTo = sigmas[i + 1];
        float sigmaUp = MathF.Sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom));
        if (eta != 1.0)
            sigmaUp = MathF.Min(sigmaTo, (float)eta * sigmaUp);
        float sigmaDown = MathF.Sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
        using var scope = NewDisposeScope();
        var x = sample.to(float32);
        var predOriginal = SigmaPredictions.Original(modelOutput, x, sigmaFrom, sigmaFrom, predictionType);
        var derivative = (x - predOriginal) / SchedulerChecks.Scalar(sigmaFrom);
        var prev = x + derivative * SchedulerChecks.Scalar(sigmaDown - sigmaFrom);
        var noise = randn(modelOutput.shape, dtype: modelOutput.dtype, generator: generator);
        prev = prev + noise * SchedulerChecks.Scalar(sigmaUp);
        StepIndex = i + 1;
        return new SchedulerStepOutput(prev.to(modelOutput.dtype).MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }

    public void Dispose() => Schedule.Dispose();
}
