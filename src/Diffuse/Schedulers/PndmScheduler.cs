using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// Pseudo numerical methods for diffusion models (Liu et al. 2022, "PNDM"): the transfer part φ of eq. 9 (a DDIM
/// step) driven by a combined ε — four pseudo Runge–Kutta stages (eq. 13, F-PRK) for the first three steps, then the
/// pseudo linear multistep of eq. 12 (F-PLMS) with the last four ε's — as diffusers 0.31's PNDMScheduler computes it.
/// <c>skip_prk_steps</c> starts PLMS at once (Adams–Bashforth of lower order on the first steps).
/// </summary>
public sealed class PndmScheduler : IBetaScheduler
{
    public const string DiffusersClassName = "PNDMScheduler";
    public const int PndmOrder = 4;
    const string Name = "pndm";

    readonly PredictionType predictionType;
    readonly float finalAlphaCumprod;
    readonly bool skipPrkSteps;
    readonly List<Tensor> ets = [];
    long[] prkTimesteps = [];
    double[] timesteps;
    Tensor? curModelOutput;
    Tensor? curSample;
    int counter;

    public PndmScheduler(SchedulerConfig config)
    {
        SchedulerChecks.Supported(config, Name);
        if (config.RescaleBetasZeroSnr)
            throw new DiffuseException($"{Name}: rescale_betas_zero_snr=true is not supported (set it to false)");
        predictionType = config.ParsePredictionType();
        if (predictionType == PredictionType.Sample)
            throw new DiffuseException($"{Name}: prediction_type '{config.PredictionType}' is not supported (expected epsilon, v_prediction)");
        Config = config with { ClassName = DiffusersClassName };
        skipPrkSteps = config.SkipPrkSteps ?? false;
        Schedule = NoiseSchedule.FromConfig(config);
        // Before the first timestep ᾱ is 1 or ᾱ_0 (set_alpha_to_one, false by default for PNDM).
        finalAlphaCumprod = config.SetAlphaToOne ?? false ? 1f : Schedule.AlphaCumprodAt(0);
        timesteps = [];
    }

    public SchedulerConfig Config { get; }
    public NoiseSchedule Schedule { get; }
    public double InitNoiseSigma => 1.0;
    public int Order => 1;
    public bool CanStartPartWay => false;
    public Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex) => throw PartWayNoise.NotSupported("pndm");
    public double[] Timesteps => (double[])timesteps.Clone();
    public int? NumInferenceSteps { get; private set; }

    public void SetTimesteps(int numInferenceSteps)
    {
        var spaced = TimestepSpacing.Make(Config.TimestepSpacing, Config.NumTrainTimesteps, numInferenceSteps, Config.StepsOffset).Reverse().ToArray();
        var (prk, plms) = PndmTimesteps.Make(spaced, Config.NumTrainTimesteps, skipPrkSteps);
        prkTimesteps = prk;
        timesteps = prk.Concat(plms).Select(t => (double)t).ToArray();
        NumInferenceSteps = numInferenceSteps;
        ClearState();
    }

    public Tensor ScaleModelInput(Tensor sample, double timestep) => sample.alias();

    public SchedulerStepOutput Step(Tensor modelOutput, double timestep, Tensor sample, torch.Generator? generator = null)
    {
        SchedulerChecks.SameShape(modelOutput, sample);
        if (NumInferenceSteps is not int n)
            throw new DiffuseException($"{Name}: call SetTimesteps before Step");
        long t = SchedulerChecks.IntegerTimestep(timestep, Name);
        using var scope = NewDisposeScope();
        var prev = counter < prkTimesteps.Length && !skipPrkSteps
            ? StepPrk(modelOutput, t, sample, n)
            : StepPlms(modelOutput, t, sample, n);
        counter++;
        float alphaProd = Schedule.AlphaCumprodAt(t);
        var predOriginal = Predictions.Original(modelOutput, sample, SchedulerChecks.Scalar(MathF.Sqrt(alphaProd)),
            SchedulerChecks.Scalar(MathF.Sqrt(1f - alphaProd)), predictionType);
        return new SchedulerStepOutput(prev.MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }

    // Eq. 13: ε' = (e_1 + 2e_2 + 2e_3 + e_4)/6 over the stages at t, t − δ/2, t − δ/2, t − δ, all from x_t.
    Tensor StepPrk(Tensor modelOutput, long timestep, Tensor sample, int n)
    {
        long diffToPrev = counter % 2 == 1 ? 0 : Config.NumTrainTimesteps / n / 2;
        long prevTimestep = timestep - diffToPrev;
        long stageStart = prkTimesteps[counter / 4 * 4];
        var output = modelOutput;
        switch (counter % 4)
        {
            case 0:
                Keep(ref curModelOutput, modelOutput * (1.0 / 6));
                ets.Add(modelOutput.clone().DetachFromDisposeScope());
                Keep(ref curSample, sample.clone());
                break;
            case 1:
            case 2:
                Keep(ref curModelOutput, curModelOutput! + modelOutput * (1.0 / 3));
                break;
            default:
                output = curModelOutput! + modelOutput * (1.0 / 6);
                Keep(ref curModelOutput, null);
                break;
        }
        return PrevSample(curSample ?? sample, stageStart, prevTimestep, output);
    }

    // Eq. 12: ε' = (55e_t − 59e_{t−δ} + 37e_{t−2δ} − 9e_{t−3δ})/24, lower orders while fewer ε's are known.
    Tensor StepPlms(Tensor modelOutput, long timestep, Tensor sample, int n)
    {
        if (!skipPrkSteps && ets.Count < 3)
            throw new DiffuseException($"{Name}: linear multistep needs the three Runge–Kutta steps first (call Step on every timestep in order)");
        long stride = Config.NumTrainTimesteps / n;
        long prevTimestep = timestep - stride;
        if (counter != 1)
        {
            while (ets.Count > 3)
            {
                ets[0].Dispose();
                ets.RemoveAt(0);
            }
            ets.Add(modelOutput.clone().DetachFromDisposeScope());
        }
        else
        {
            // The repeated timestep: redo the first step with the average of both ε's (Heun-like start).
            prevTimestep = timestep;
            timestep += stride;
        }
        Tensor output;
        if (ets.Count == 1 && counter == 0)
        {
            output = modelOutput;
            Keep(ref curSample, sample.clone());
        }
        else if (ets.Count == 1 && counter == 1)
        {
            output = (modelOutput + ets[^1]) / 2;
            sample = curSample!.alias();
            Keep(ref curSample, null);
        }
        else if (ets.Count == 2)
            output = (3 * ets[^1] - ets[^2]) / 2;
        else if (ets.Count == 3)
            output = (23 * ets[^1] - 16 * ets[^2] + 5 * ets[^3]) / 12;
        else
            output = (1.0 / 24) * (55 * ets[^1] - 59 * ets[^2] + 37 * ets[^3] - 9 * ets[^4]);
        return PrevSample(sample, timestep, prevTimestep, output);
    }

    // Eq. 9: x_{t−δ} = sqrt(ᾱ_{t−δ}/ᾱ_t)·x_t − (ᾱ_{t−δ} − ᾱ_t)/(ᾱ_t·sqrt(1 − ᾱ_{t−δ}) + sqrt(ᾱ_t(1 − ᾱ_t)ᾱ_{t−δ}))·ε.
    Tensor PrevSample(Tensor sample, long timestep, long prevTimestep, Tensor modelOutput)
    {
        float alphaProd = Schedule.AlphaCumprodAt(timestep);
        float alphaProdPrev = prevTimestep >= 0 ? Schedule.AlphaCumprodAt(prevTimestep) : finalAlphaCumprod;
        float betaProd = 1f - alphaProd;
        float betaProdPrev = 1f - alphaProdPrev;
        if (predictionType == PredictionType.VPrediction)
            modelOutput = SchedulerChecks.Scalar(MathF.Sqrt(alphaProd)) * modelOutput + SchedulerChecks.Scalar(MathF.Sqrt(betaProd)) * sample;
        float sampleCoeff = MathF.Sqrt(alphaProdPrev / alphaProd);
        float denominator = alphaProd * MathF.Sqrt(betaProdPrev) + MathF.Sqrt(alphaProd * betaProd * alphaProdPrev);
        return SchedulerChecks.Scalar(sampleCoeff) * sample
            - SchedulerChecks.Scalar(alphaProdPrev - alphaProd) * modelOutput / SchedulerChecks.Scalar(denominator);
    }

    // Replaces a tensor the scheduler keeps between steps, outside the caller's dispose scope.
    static void Keep(ref Tensor? field, Tensor? value)
    {
        field?.Dispose();
        field = value?.DetachFromDisposeScope();
    }

    void ClearState()
    {
        foreach (var e in ets) e.Dispose();
        ets.Clear();
        Keep(ref curModelOutput, null);
        Keep(ref curSample, null);
        counter = 0;
    }

    public void Dispose()
    {
        ClearState();
        Schedule.Dispose();
    }
}
