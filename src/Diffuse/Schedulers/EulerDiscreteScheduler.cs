using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// Euler's method on the probability-flow ODE dx/dσ = (x − D(x; σ))/σ (Karras et al. 2022, Algorithm 2, with
/// optional churn S_churn that raises σ to σ̂ = σ·(1 + γ) by adding fresh noise first; 0 by default, the
/// deterministic sampler), as diffusers' EulerDiscreteScheduler computes it: x lives at scale sqrt(1 + σ²), the model
/// sees x/sqrt(σ² + 1), and the timesteps are float32 (fractional for linspace spacing or Karras σ's).
/// </summary>
public sealed class EulerDiscreteScheduler : IBetaScheduler
{
    public const string DiffusersClassName = "EulerDiscreteScheduler";
    const string Name = "euler";

    readonly PredictionType predictionType;
    readonly float[] trainingSigmas;
    readonly bool continuousTimesteps;
    double[] timesteps;
    float[] sigmas;

    public EulerDiscreteScheduler(SchedulerConfig config)
    {
        SchedulerChecks.Supported(config, Name);
        SigmaChecks.NoExponentialOrBetaSigmas(config, Name);
        if ((config.InterpolationType ?? "linear") != "linear")
            throw new DiffuseException($"{Name}: interpolation_type '{config.InterpolationType}' is not supported (expected linear)");
        string timestepType = config.TimestepType ?? "discrete";
        if (timestepType is not ("discrete" or "continuous"))
            throw new DiffuseException($"{Name}: unknown timestep_type '{timestepType}' (expected discrete, continuous)");
        Config = config with { ClassName = DiffusersClassName };
        predictionType = config.ParsePredictionType();
        // diffusers only uses the EDM timestep 0.25·ln σ (Karras et al. 2022, Table 1, c_noise) for v-prediction.
        continuousTimesteps = timestepType == "continuous" && predictionType == PredictionType.VPrediction;
        Schedule = NoiseSchedule.FromConfig(config);
        trainingSigmas = DiscreteSigmas.Training(Schedule, config.RescaleBetasZeroSnr);
        FinalSigma = SigmaChecks.FinalSigma(config, trainingSigmas, Name);
        sigmas = trainingSigmas.Reverse().Append(0f).ToArray();
        timesteps = ModelTimesteps(Enumerable.Range(0, config.NumTrainTimesteps).Reverse().Select(t => (double)t).ToArray());
    }

    public SchedulerConfig Config { get; }
    public NoiseSchedule Schedule { get; }
    public int Order => 1;
    public bool CanStartPartWay => true;
    public Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex) => PartWayNoise.Karras(originalSamples, noise, Sigmas, stepIndex);
    public double[] Timesteps => (double[])timesteps.Clone();
    public int? NumInferenceSteps { get; private set; }

    /// <summary>σ of each timestep, then the σ after the last step (0 or σ_min per final_sigmas_type).</summary>
    public IReadOnlyList<float> Sigmas => sigmas;

    /// <summary>σ after the last step, from <c>final_sigmas_type</c>.</summary>
    public float FinalSigma { get; }

    /// <summary>Which step comes next: null until the first <see cref="Step"/> or <see cref="ScaleModelInput"/>.</summary>
    public int? StepIndex { get; private set; }

    public double InitNoiseSigma => DiscreteSigmas.InitNoiseSigma(sigmas, Config.TimestepSpacing);

    /// <summary>S_churn of Algorithm 2: total extra noise over the run; 0 makes the sampler deterministic.</summary>
    public double SChurn { get; set; }

    /// <summary>Churn applies only where S_tmin ≤ σ ≤ S_tmax.</summary>
    public double STmin { get; set; }

    public double STmax { get; set; } = double.PositiveInfinity;

    /// <summary>S_noise: scale of the churn noise.</summary>
    public double SNoise { get; set; } = 1.0;

    public void SetTimesteps(int numInferenceSteps)
    {
        var steps = SigmaSteps.Make(Config, trainingSigmas, numInferenceSteps, Config.UseKarrasSigmas ?? false,
            FinalSigma, Config.SigmaMin, Config.SigmaMax);
        sigmas = steps.Sigmas;
        timesteps = ModelTimesteps(steps.Timesteps);
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
        if (!(SChurn >= 0 && SNoise >= 0))
            throw new DiffuseException($"{Name}: s_churn and s_noise must be ≥ 0, got {SChurn} and {SNoise}");
        float sigma = sigmas[i];
        double gamma = STmin <= sigma && sigma <= STmax ? Math.Min(SChurn / (sigmas.Length - 1), Math.Sqrt(2) - 1) : 0.0;
        using var scope = NewDisposeScope();
        var x = sample.to(float32);
        // With churn, noise is drawn on every step (even where γ = 0), as diffusers does, so a seeded generator gives
        // diffusers' numbers; without churn no noise is ever used and none is drawn.
        var noise = SChurn > 0 ? randn(modelOutput.shape, dtype: modelOutput.dtype, generator: generator) : null;
        float sigmaHat = sigma * (float)(gamma + 1);
        if (gamma > 0)
            x = x + noise! * SNoise * SchedulerChecks.Scalar(MathF.Sqrt(sigmaHat * sigmaHat - sigma * sigma));
        var predOriginal = SigmaPredictions.Original(modelOutput, x, sigma, sigmaHat, predictionType);
        // Algorithm 2, lines 7–8: d = (x − D(x; σ̂))/σ̂, x_next = x + (σ_next − σ̂)·d.
        var derivative = (x - predOriginal) / SchedulerChecks.Scalar(sigmaHat);
        var prev = x + derivative * SchedulerChecks.Scalar(sigmas[i + 1] - sigmaHat);
        StepIndex = i + 1;
        return new SchedulerStepOutput(prev.to(modelOutput.dtype).MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }

    double[] ModelTimesteps(double[] discrete) => continuousTimesteps
        ? sigmas.Take(sigmas.Length - 1).Select(s => (double)(0.25f * MathF.Log(s))).ToArray()
        : discrete;

    public void Dispose() => Schedule.Dispose();
}
