using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// DDIM inversion: the deterministic DDIM update (Song et al. 2021, eq. 12 with σ_t = 0) run towards more noise,
/// x_next = sqrt(ᾱ_next)·x̂_0(x) + sqrt(1 − ᾱ_next)·ε̂(x), which maps an image to the x_T that DDIM with η = 0 turns back
/// into it (the ODE view of §4.3, eq. 14, integrated the other way). Conventions are diffusers'
/// <c>DDIMInverseScheduler</c>: the timesteps are the forward DDIM's in reverse, and the step at timestep t undoes
/// the forward step at t — it moves the sample from the level t − T//n (ᾱ = 1 before the first step when
/// <c>set_alpha_to_one</c>, else ᾱ_0) up to the level t, with the model evaluated at t. The model thus sees the
/// sample one level early: that is the approximation of DDIM inversion, exact when ε̂ does not change along the path.
/// </summary>
public sealed class DdimInverseScheduler : IBetaScheduler
{
    public const string DiffusersClassName = "DDIMInverseScheduler";

    readonly PredictionType predictionType;
    readonly float initialAlphaCumprod;
    long[] timesteps;

    public DdimInverseScheduler(SchedulerConfig config)
    {
        config.Validate();
        Config = config with { ClassName = DiffusersClassName };
        predictionType = config.ParsePredictionType();
        Schedule = NoiseSchedule.FromConfig(config);
        // Mirror of the forward DDIM's final_alpha_cumprod: the level the image itself sits at before the first step.
        initialAlphaCumprod = config.SetAlphaToOne ?? true ? 1f : Schedule.AlphaCumprodAt(0);
        timesteps = Enumerable.Range(0, config.NumTrainTimesteps).Select(t => (long)t).ToArray();
    }

    public SchedulerConfig Config { get; }
    public NoiseSchedule Schedule { get; }
    public double InitNoiseSigma => 1.0;
    public int Order => 1;
    public bool CanStartPartWay => false;
    public Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex) => throw PartWayNoise.NotSupported("ddim_inverse");
    public double[] Timesteps => timesteps.Select(t => (double)t).ToArray();
    public int? NumInferenceSteps { get; private set; }

    /// <summary>The forward DDIM's timesteps for the same config and step count, in increasing order.</summary>
    public void SetTimesteps(int numInferenceSteps)
    {
        var forward = TimestepSpacing.Make(Config.TimestepSpacing, Config.NumTrainTimesteps, numInferenceSteps, Config.StepsOffset);
        Array.Reverse(forward);
        timesteps = forward;
        NumInferenceSteps = numInferenceSteps;
    }

    /// <summary>The level the sample sits at when the step to <paramref name="timestep"/> starts: t − T//n (negative: before t = 0).</summary>
    public long CurrentTimestep(long timestep) => NumInferenceSteps is int n
        ? Math.Min(timestep - Config.NumTrainTimesteps / n, Config.NumTrainTimesteps - 1)
        : throw new DiffuseException("ddim inversion: call SetTimesteps before Step");

    /// <summary>ᾱ of the level the sample starts the step to <paramref name="timestep"/> from.</summary>
    public float CurrentAlphaCumprod(long timestep)
    {
        long current = CurrentTimestep(timestep);
        return current >= 0 ? Schedule.AlphaCumprodAt(current) : initialAlphaCumprod;
    }

    public Tensor ScaleModelInput(Tensor sample, double timestep) => sample.alias();

    public SchedulerStepOutput Step(Tensor modelOutput, double timestep, Tensor sample, torch.Generator? generator = null) =>
        StepAt(modelOutput, SchedulerChecks.IntegerTimestep(timestep, "ddim inversion"), sample);

    /// <summary>One inverse step, from the level t − T//n up to <paramref name="timestep"/>; the output's
    /// PrevSample is the noisier sample (the name is the interface's), PredOriginalSample the x̂_0 used.</summary>
    SchedulerStepOutput StepAt(Tensor modelOutput, long timestep, Tensor sample)
    {
        SchedulerChecks.SameShape(modelOutput, sample);
        float alphaProd = CurrentAlphaCumprod(timestep);
        float alphaProdNext = Schedule.AlphaCumprodAt(timestep);
        using var scope = NewDisposeScope();
        var sqrtAlphaProd = SchedulerChecks.Scalar(MathF.Sqrt(alphaProd));
        var sqrtBetaProd = SchedulerChecks.Scalar(MathF.Sqrt(1f - alphaProd));
        var predOriginal = Predictions.Original(modelOutput, sample, sqrtAlphaProd, sqrtBetaProd, predictionType);
        // At ᾱ = 1 (the first step with set_alpha_to_one) the sample is the image and holds no noise: ε̂ = ε-output and
        // ε̂ = v-output are diffusers' reading, but an x_0-prediction would give ε̂ = (x − x̂_0)/0. Read that one at the
        // level the model was told, t (x taken as x_t), which puts the image itself at level t: x_next = x (unclipped).
        var predEpsilon = alphaProd == 1f && predictionType == PredictionType.Sample
            ? Predictions.Epsilon(modelOutput, sample, SchedulerChecks.Scalar(MathF.Sqrt(alphaProdNext)),
                                  SchedulerChecks.Scalar(MathF.Sqrt(1f - alphaProdNext)), predictionType)
            : Predictions.Epsilon(modelOutput, sample, sqrtAlphaProd, sqrtBetaProd, predictionType);
        predOriginal = DynamicThresholding.ClipOrThreshold(predOriginal, Config);
        // eq. 12 with σ_t = 0, towards the noisier level: sqrt(ᾱ_next)·x̂_0 plus the direction sqrt(1 − ᾱ_next)·ε̂.
        var next = SchedulerChecks.Scalar(MathF.Sqrt(alphaProdNext)) * predOriginal
                   + SchedulerChecks.Scalar(MathF.Sqrt(1f - alphaProdNext)) * predEpsilon;
        return new SchedulerStepOutput(next.MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }

    public void Dispose() => Schedule.Dispose();
}
