using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// Ancestral sampling of Ho et al. 2020 (Algorithm 2) as diffusers' DDPMScheduler.step does it: x_0 predicted from
/// the model output (optionally clipped), the posterior mean of q(x_{t_prev} | x_t, x_0) (eq. 7) and a fixed
/// variance. Skipping timesteps treats t_prev = t − T/n as if it were one step earlier, as diffusers does.
/// </summary>
public sealed class DdpmScheduler : IBetaScheduler
{
    public const string DiffusersClassName = "DDPMScheduler";
    public const string FixedSmall = "fixed_small";
    public const string FixedLarge = "fixed_large";

    readonly PredictionType predictionType;
    long[] timesteps;

    public DdpmScheduler(SchedulerConfig config)
    {
        config.Validate();
        if (config.VarianceType is not (FixedSmall or FixedLarge))
            throw new DiffuseException(
                $"ddpm: unsupported variance_type '{config.VarianceType}' (expected {FixedSmall}, {FixedLarge})");
        Config = config with { ClassName = DiffusersClassName };
        predictionType = config.ParsePredictionType();
        Schedule = NoiseSchedule.FromConfig(config);
        timesteps = Enumerable.Range(0, config.NumTrainTimesteps).Reverse().Select(t => (long)t).ToArray();
    }

    public SchedulerConfig Config { get; }
    public NoiseSchedule Schedule { get; }
    public double InitNoiseSigma => 1.0;
    public int Order => 1;
    public bool CanStartPartWay => true;
    public Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex) => PartWayNoise.AlphaCumprod(this, originalSamples, noise, stepIndex);
    public double[] Timesteps => timesteps.Select(t => (double)t).ToArray();

    /// <summary>Null until <see cref="SetTimesteps"/>; then the number of sampling steps.</summary>
    public int? NumInferenceSteps { get; private set; }

    public void SetTimesteps(int numInferenceSteps)
    {
        timesteps = TimestepSpacing.Make(Config.TimestepSpacing, Config.NumTrainTimesteps, numInferenceSteps, Config.StepsOffset);
        NumInferenceSteps = numInferenceSteps;
    }

    /// <summary>
    /// diffusers 0.31's <c>previous_timestep</c>: t − T // n (n = T before <see cref="SetTimesteps"/>); negative
    /// means "before x_0". (diffusers 0.32 looks up the next entry of the timesteps instead, which differs only for
    /// trailing/linspace spacing or T not divisible by n.)
    /// </summary>
    public long PreviousTimestep(long timestep) =>
        timestep - Config.NumTrainTimesteps / (NumInferenceSteps ?? Config.NumTrainTimesteps);

    public Tensor ScaleModelInput(Tensor sample, double timestep) => sample.alias();

    public SchedulerStepOutput Step(Tensor modelOutput, double timestep, Tensor sample, torch.Generator? generator = null) =>
        StepAt(modelOutput, SchedulerChecks.IntegerTimestep(timestep, "ddpm"), sample, generator);

    /// <summary>
    /// The coefficients of eq. 7, μ̃ = c_0·x_0 + c_t·x_t, and the variance of the reverse step, in float32 as
    /// diffusers computes them. Across a skip, β_t is replaced by 1 − ᾱ_t/ᾱ_{t_prev}.
    /// </summary>
    public PosteriorCoefficients Posterior(long timestep)
    {
        long prev = PreviousTimestep(timestep);
        float alphaProd = Schedule.AlphaCumprodAt(timestep);
        float alphaProdPrev = prev >= 0 ? Schedule.AlphaCumprodAt(prev) : 1f;
        float betaProd = 1f - alphaProd;
        float betaProdPrev = 1f - alphaProdPrev;
        float currentAlpha = alphaProd / alphaProdPrev;
        float currentBeta = 1f - currentAlpha;
        float originalCoeff = MathF.Sqrt(alphaProdPrev) * currentBeta / betaProd;
        float sampleCoeff = MathF.Sqrt(currentAlpha) * betaProdPrev / betaProd;
        // β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t (eq. 7), floored so its log stays finite; or β_t (Ho et al. §3.2).
        float variance = Config.VarianceType == FixedLarge
            ? currentBeta
            : MathF.Max((1f - alphaProdPrev) / (1f - alphaProd) * currentBeta, 1e-20f);
        return new PosteriorCoefficients(originalCoeff, sampleCoeff, variance);
    }

    /// <summary>μ̃_t(x_t, x_0) of eq. 7 and the step's variance.</summary>
    public (Tensor Mean, float Variance) PosteriorMeanAndVariance(Tensor x0, Tensor sample, long timestep)
    {
        var c = Posterior(timestep);
        using var scope = NewDisposeScope();
        var mean = SchedulerChecks.Scalar(c.OriginalCoeff) * x0 + SchedulerChecks.Scalar(c.SampleCoeff) * sample;
        return (mean.MoveToOuterDisposeScope(), c.Variance);
    }

    SchedulerStepOutput StepAt(Tensor modelOutput, long timestep, Tensor sample, torch.Generator? generator)
    {
        SchedulerChecks.SameShape(modelOutput, sample);
        float alphaProd = Schedule.AlphaCumprodAt(timestep);
        using var scope = NewDisposeScope();
        var sqrtAlphaProd = SchedulerChecks.Scalar(MathF.Sqrt(alphaProd));
        var sqrtBetaProd = SchedulerChecks.Scalar(MathF.Sqrt(1f - alphaProd));
        var predOriginal = Predictions.Original(modelOutput, sample, sqrtAlphaProd, sqrtBetaProd, predictionType);
        predOriginal = DynamicThresholding.ClipOrThreshold(predOriginal, Config);
        var (prev, variance) = PosteriorMeanAndVariance(predOriginal, sample, timestep);
        // No noise is added on the last step (Algorithm 2, line 3: z = 0 if t = 1).
        if (timestep > 0)
        {
            var noise = randn(modelOutput.shape, dtype: modelOutput.dtype, generator: generator);
            prev = prev + SchedulerChecks.Scalar(MathF.Sqrt(variance)) * noise;
        }
        return new SchedulerStepOutput(prev.MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }

    public void Dispose() => Schedule.Dispose();
}
