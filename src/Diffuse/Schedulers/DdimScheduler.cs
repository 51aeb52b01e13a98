using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// Denoising diffusion implicit models (Song et al. 2021, eq. 12) as diffusers' DDIMScheduler.step computes them:
/// x_{t_prev} = sqrt(ᾱ_prev)·x̂_0 + sqrt(1 − ᾱ_prev − σ_t²)·ε̂ + σ_t·z, with σ_t = η·sqrt(β̃_t) (eq. 16).
/// η = 0 is deterministic; η = 1 is DDPM's ancestral step.
/// </summary>
public sealed class DdimScheduler : IBetaScheduler, IStochasticScheduler, IClippedModelOutputScheduler
{
    public const string DiffusersClassName = "DDIMScheduler";

    readonly PredictionType predictionType;
    readonly float finalAlphaCumprod;
    long[] timesteps;
    double eta;

    public DdimScheduler(SchedulerConfig config, double eta = 0.0)
    {
        config.Validate();
        Config = config with { ClassName = DiffusersClassName };
        predictionType = config.ParsePredictionType();
        Schedule = NoiseSchedule.FromConfig(config);
        // The step that lands on x_0 has no ᾱ before it: 1 (set_alpha_to_one) or ᾱ_0.
        finalAlphaCumprod = config.SetAlphaToOne ?? true ? 1f : Schedule.AlphaCumprodAt(0);
        timesteps = Enumerable.Range(0, config.NumTrainTimesteps).Reverse().Select(t => (long)t).ToArray();
        Eta = eta;
    }

    public SchedulerConfig Config { get; }
    public NoiseSchedule Schedule { get; }
    public double InitNoiseSigma => 1.0;
    public int Order => 1;
    public bool CanStartPartWay => true;
    public Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex) => PartWayNoise.AlphaCumprod(this, originalSamples, noise, stepIndex);
    public double[] Timesteps => timesteps.Select(t => (double)t).ToArray();
    public int? NumInferenceSteps { get; private set; }

    /// <summary>η of eq. 16: 0 deterministic, 1 as much noise as DDPM.</summary>
    public double Eta
    {
        get => eta;
        set => eta = value >= 0 && double.IsFinite(value)
            ? value
            : throw new DiffuseException($"ddim: eta must be a finite number ≥ 0, got {value}");
    }

    /// <summary>Recompute ε̂ from the clipped x̂_0 before taking the step (diffusers' <c>use_clipped_model_output</c>).</summary>
    public bool UseClippedModelOutput { get; set; }

    public void SetTimesteps(int numInferenceSteps)
    {
        timesteps = TimestepSpacing.Make(Config.TimestepSpacing, Config.NumTrainTimesteps, numInferenceSteps, Config.StepsOffset);
        NumInferenceSteps = numInferenceSteps;
    }

    /// <summary>t − T // n, whatever the spacing (as diffusers 0.31); negative means the step lands on x_0.</summary>
    public long PreviousTimestep(long timestep) => NumInferenceSteps is int n
        ? timestep - Config.NumTrainTimesteps / n
        : throw new DiffuseException("ddim: call SetTimesteps before Step");

    public Tensor ScaleModelInput(Tensor sample, double timestep) => sample.alias();

    public SchedulerStepOutput Step(Tensor modelOutput, double timestep, Tensor sample, torch.Generator? generator = null) =>
        StepAt(modelOutput, SchedulerChecks.IntegerTimestep(timestep, "ddim"), sample, generator);

    /// <summary>β̃ between t and t_prev: (1 − ᾱ_prev)/(1 − ᾱ_t)·(1 − ᾱ_t/ᾱ_prev) (eq. 16 with η = 1).</summary>
    public float Variance(long timestep)
    {
        float alphaProd = Schedule.AlphaCumprodAt(timestep);
        float alphaProdPrev = AlphaCumprodPrev(timestep);
        return (1f - alphaProdPrev) / (1f - alphaProd) * (1f - alphaProd / alphaProdPrev);
    }

    SchedulerStepOutput StepAt(Tensor modelOutput, long timestep, Tensor sample, torch.Generator? generator)
    {
        SchedulerChecks.SameShape(modelOutput, sample);
        float alphaProd = Schedule.AlphaCumprodAt(timestep);
        float alphaProdPrev = AlphaCumprodPrev(timestep);
        float betaProd = 1f - alphaProd;
        using var scope = NewDisposeScope();
        var sqrtAlphaProd = SchedulerChecks.Scalar(MathF.Sqrt(alphaProd));
        var sqrtBetaProd = SchedulerChecks.Scalar(MathF.Sqrt(betaProd));
        var predOriginal = Predictions.Original(modelOutput, sample, sqrtAlphaProd, sqrtBetaProd, predictionType);
        var predEpsilon = Predictions.Epsilon(modelOutput, sample, sqrtAlphaProd, sqrtBetaProd, predictionType);
        predOriginal = DynamicThresholding.ClipOrThreshold(predOriginal, Config);
        float stdDev = (float)eta * MathF.Sqrt(Variance(timestep));
        if (UseClippedModelOutput)
            predEpsilon = (sample - sqrtAlphaProd * predOriginal) / sqrtBetaProd;
        // eq. 12: "direction pointing to x_t" plus the predicted x_0 scaled to t_prev.
        var direction = SchedulerChecks.Scalar(MathF.Sqrt(1f - alphaProdPrev - stdDev * stdDev)) * predEpsilon;
        var prev = SchedulerChecks.Scalar(MathF.Sqrt(alphaProdPrev)) * predOriginal + direction;
        if (eta > 0)
        {
            var noise = randn(modelOutput.shape, dtype: modelOutput.dtype, generator: generator);
            prev = prev + SchedulerChecks.Scalar(stdDev) * noise;
        }
        return new SchedulerStepOutput(prev.MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }

    float AlphaCumprodPrev(long timestep)
    {
        long prev = PreviousTimestep(timestep);
        return prev >= 0 ? Schedule.AlphaCumprodAt(prev) : finalAlphaCumprod;
    }

    public void Dispose() => Schedule.Dispose();
}
