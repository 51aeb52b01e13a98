using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// Heun's second-order method on the probability-flow ODE (Karras et al. 2022, Algorithm 1), as diffusers 0.31's
/// HeunDiscreteScheduler computes it: every interval costs two model calls, so the timesteps list each interior
/// timestep twice, [t_0, t_1, t_1, t_2, t_2, …], and the scheduler alternates between an Euler predictor and the
/// trapezoidal corrector. The last step, to σ = 0, is Euler's alone (Algorithm 1, line 6).
/// </summary>
public sealed class HeunDiscreteScheduler : IBetaScheduler
{
    public const string DiffusersClassName = "HeunDiscreteScheduler";
    const string Name = "heun";

    readonly PredictionType predictionType;
    readonly float[] trainingSigmas;
    double[] timesteps = [];
    float[] sigmas = [];
    Tensor? previousDerivative;
    Tensor? previousSample;
    float? dt;

    public HeunDiscreteScheduler(SchedulerConfig config)
    {
        SchedulerChecks.Supported(config, Name);
        SigmaChecks.NoExponentialOrBetaSigmas(config, Name);
        if (config.RescaleBetasZeroSnr)
            throw new DiffuseException($"{Name}: rescale_betas_zero_snr=true is not supported (set it to false)");
        Config = config with { ClassName = DiffusersClassName };
        predictionType = config.ParsePredictionType();
        Schedule = NoiseSchedule.FromConfig(config);
        trainingSigmas = DiscreteSigmas.Training(Schedule, rescaledToZeroSnr: false);
        // As diffusers: until SetTimesteps, every training timestep.
        SetTimesteps(config.NumTrainTimesteps);
    }

    public SchedulerConfig Config { get; }
    public NoiseSchedule Schedule { get; }
    public int Order => 2;
    public bool CanStartPartWay => false;
    public Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex) => throw PartWayNoise.NotSupported("heun");
    public double[] Timesteps => (double[])timesteps.Clone();
    public int? NumInferenceSteps { get; private set; }
    public int? StepIndex { get; private set; }

    /// <summary>σ of each entry of <see cref="Timesteps"/>, then 0.</summary>
    public IReadOnlyList<float> Sigmas => sigmas;

    public double InitNoiseSigma => DiscreteSigmas.InitNoiseSigma(sigmas, Config.TimestepSpacing);

    /// <summary>True when the next <see cref="Step"/> is an Euler predictor, false when it is Heun's corrector.</summary>
    public bool StateInFirstOrder => dt is null;

    public void SetTimesteps(int numInferenceSteps)
    {
        var steps = SigmaSteps.Make(Config, trainingSigmas, numInferenceSteps, Config.UseKarrasSigmas ?? false, finalSigma: 0.0);
        // σ: [σ_0, σ_1, σ_1, …, σ_{n−1}, σ_{n−1}, 0]; timesteps: [t_0, t_1, t_1, …, t_{n−1}, t_{n−1}].
        sigmas = steps.Sigmas.Take(1).Concat(steps.Sigmas.Skip(1).SkipLast(1).SelectMany(s => new[] { s, s })).Append(steps.Sigmas[^1]).ToArray();
        timesteps = steps.Timesteps.Take(1).Concat(steps.Timesteps.Skip(1).SelectMany(t => new[] { t, t })).ToArray();
        NumInferenceSteps = numInferenceSteps;
        StepIndex = null;
        ClearState();
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
        bool predictor = StateInFirstOrder;
        float sigma = predictor ? sigmas[i] : sigmas[i - 1];
        float sigmaNext = predictor ? sigmas[i + 1] : sigmas[i];
        // The predictor reads the model at σ, the corrector at σ_next (diffusers supports churn γ = 0 only).
        float sigmaInput = predictor ? sigma : sigmaNext;
        using var scope = NewDisposeScope();
        var predOriginal = SigmaPredictions.Original(modelOutput, sample, sigmaInput, sigmaInput, predictionType);
        if (Config.ClipSample)
            predOriginal = predOriginal.clamp(-Config.ClipSampleRange, Config.ClipSampleRange);
        Tensor prev;
        if (predictor)
        {
            // Algorithm 1, lines 5–6: d_i = (x_i − D(x_i; σ_i))/σ_i, x_{i+1} = x_i + (σ_{i+1} − σ_i)·d_i.
            var derivative = (sample - predOriginal) / SchedulerChecks.Scalar(sigma);
            float step = sigmaNext - sigma;
            prev = sample + derivative * SchedulerChecks.Scalar(step);
            ClearState();
            previousDerivative = derivative.DetachFromDisposeScope();
            previousSample = sample.clone().DetachFromDisposeScope();
            dt = step;
        }
        else
        {
            // Lines 7–8: d' = (x_{i+1} − D(x_{i+1}; σ_{i+1}))/σ_{i+1}, x_{i+1} = x_i + (σ_{i+1} − σ_i)·(d_i + d')/2.
            var derivative = (sample - predOriginal) / SchedulerChecks.Scalar(sigmaNext);
            derivative = (previousDerivative! + derivative) / 2;
            prev = previousSample! + derivative * SchedulerChecks.Scalar(dt!.Value);
            ClearState();
        }
        StepIndex = i + 1;
        return new SchedulerStepOutput(prev.MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }

    void ClearState()
    {
        previousDerivative?.Dispose();
        previousSample?.Dispose();
        previousDerivative = null;
        previousSample = null;
        dt = null;
    }

    public void Dispose()
    {
        ClearState();
        Schedule.Dispose();
    }
}
