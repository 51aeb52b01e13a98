using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// Multistep DPM-Solver++ (Lu et al. 2022b, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion
/// Probabilistic Models", Algorithm 2 for order 2) and DPM-Solver (Lu et al. 2022a), as diffusers 0.31's
/// DPMSolverMultistepScheduler computes them: the exact solution of the linear part of the diffusion ODE in
/// λ = log(α/σ) plus a Taylor expansion of the data (or noise) prediction, using the model outputs of earlier steps.
/// </summary>
public sealed class DpmSolverMultistepScheduler : IBetaScheduler
{
    public const string DiffusersClassName = "DPMSolverMultistepScheduler";
    public const string DpmSolverPlusPlus = "dpmsolver++";
    public const string DpmSolver = "dpmsolver";
    const string Name = "dpmsolver_multistep";

    readonly PredictionType predictionType;
    readonly float[] trainingSigmas;
    readonly bool dataPrediction, midpoint, lowerOrderFinal, eulerAtFinal, finalSigmaZero;
    readonly Tensor?[] modelOutputs;
    double[] timesteps;
    float[] sigmas;
    int lowerOrderNums;

    public DpmSolverMultistepScheduler(SchedulerConfig config)
    {
        config.Validate();
        SigmaChecks.NoExponentialOrBetaSigmas(config, Name);
        if (config.UseLuLambdas == true)
            throw new DiffuseException($"{Name}: use_lu_lambdas=true is not supported (set it to false)");
        if (config.VarianceType is "learned" or "learned_range")
            throw new DiffuseException($"{Name}: variance_type '{config.VarianceType}' is not supported (the model must output ε, x_0 or v only)");
        string algorithm = config.AlgorithmType ?? DpmSolverPlusPlus;
        if (algorithm is not (DpmSolverPlusPlus or DpmSolver))
            throw new DiffuseException($"{Name}: algorithm_type '{algorithm}' is not supported (expected {DpmSolverPlusPlus}, {DpmSolver})");
        // diffusers maps the UniPC/DEIS solver types onto midpoint.
        string solverType = config.SolverType ?? "midpoint";
        if (solverType is not ("midpoint" or "heun" or "logrho" or "bh1" or "bh2"))
            throw new DiffuseException($"{Name}: unknown solver_type '{solverType}' (expected midpoint, heun)");
        SolverOrder = config.SolverOrder ?? 2;
        if (SolverOrder is < 1 or > 3)
            throw new DiffuseException($"{Name}: solver_order must be 1, 2 or 3, got {SolverOrder}");
        string finalSigmasType = config.FinalSigmasType ?? SigmaChecks.Zero;
        if (algorithm == DpmSolver && finalSigmasType == SigmaChecks.Zero)
            throw new DiffuseException($"{Name}: final_sigmas_type '{SigmaChecks.Zero}' needs algorithm_type {DpmSolverPlusPlus} (use {SigmaChecks.SigmaMin})");
        Config = config with { ClassName = DiffusersClassName };
        predictionType = config.ParsePredictionType();
        dataPrediction = algorithm == DpmSolverPlusPlus;
        midpoint = solverType != "heun";
        lowerOrderFinal = config.LowerOrderFinal ?? true;
        eulerAtFinal = config.EulerAtFinal ?? false;
        finalSigmaZero = finalSigmasType == SigmaChecks.Zero;
        Schedule = NoiseSchedule.FromConfig(config);
        trainingSigmas = DiscreteSigmas.Training(Schedule, config.RescaleBetasZeroSnr);
        FinalSigma = SigmaChecks.FinalSigma(config, trainingSigmas, Name);
        modelOutputs = new Tensor?[SolverOrder];
        timesteps = Enumerable.Range(0, config.NumTrainTimesteps).Reverse().Select(t => (double)t).ToArray();
        sigmas = trainingSigmas;
    }

    public SchedulerConfig Config { get; }
    public NoiseSchedule Schedule { get; }
    public double InitNoiseSigma => 1.0;
    public int Order => 1;
    public bool CanStartPartWay => true;
    public Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex) => PartWayNoise.VariancePreserving(originalSamples, noise, Sigmas, stepIndex);
    public int SolverOrder { get; }
    public double[] Timesteps => (double[])timesteps.Clone();
    public int? NumInferenceSteps { get; private set; }
    public int? StepIndex { get; private set; }

    /// <summary>σ of each timestep, then the σ after the last step.</summary>
    public IReadOnlyList<float> Sigmas => sigmas;

    public float FinalSigma { get; }

    public void SetTimesteps(int numInferenceSteps)
    {
        var steps = DpmSolverTimesteps.Make(Config, Schedule, trainingSigmas, numInferenceSteps, Config.UseKarrasSigmas ?? false, FinalSigma);
        timesteps = steps.Timesteps;
        sigmas = steps.Sigmas;
        NumInferenceSteps = timesteps.Length;
        ClearModelOutputs();
        lowerOrderNums = 0;
        StepIndex = null;
    }

    public Tensor ScaleModelInput(Tensor sample, double timestep) => sample.alias();

    public SchedulerStepOutput Step(Tensor modelOutput, double timestep, Tensor sample, torch.Generator? generator = null)
    {
        SchedulerChecks.SameShape(modelOutput, sample);
        if (NumInferenceSteps is not int n)
            throw new DiffuseException($"{Name}: call SetTimesteps before Step");
        int i = StepIndex ??= Schedulers.StepIndex.FindOrLast(timesteps, timestep);
        SigmaChecks.StepsLeft(i, n, Name);
        // Lower orders at the end keep few-step runs stable (Lu et al. 2022b, §5); and σ_next = 0 needs first order.
        bool firstOrderFinal = i == n - 1 && (eulerAtFinal || (lowerOrderFinal && n < 15) || finalSigmaZero);
        bool secondOrderFinal = i == n - 2 && lowerOrderFinal && n < 15;

        using var scope = NewDisposeScope();
        var converted = ConvertModelOutput(modelOutput, sample, sigmas[i]);
        modelOutputs[0]?.Dispose();
        Array.Copy(modelOutputs, 1, modelOutputs, 0, SolverOrder - 1);
        modelOutputs[^1] = converted.DetachFromDisposeScope();

        var x = sample.to(float32);
        Tensor prev;
        if (SolverOrder == 1 || lowerOrderNums < 1 || firstOrderFinal)
            prev = DpmSolverUpdates.FirstOrder(converted, x, sigmas[i], sigmas[i + 1], dataPrediction);
        else if (SolverOrder == 2 || lowerOrderNums < 2 || secondOrderFinal)
            prev = DpmSolverUpdates.SecondOrder(modelOutputs[^1]!, modelOutputs[^2]!, x, sigmas[i - 1], sigmas[i],
                sigmas[i + 1], dataPrediction, midpoint);
        else
            prev = DpmSolverUpdates.ThirdOrder(modelOutputs[^1]!, modelOutputs[^2]!, modelOutputs[^3]!, x,
                sigmas[i - 2], sigmas[i - 1], sigmas[i], sigmas[i + 1], dataPrediction);
        lowerOrderNums = Math.Min(lowerOrderNums + 1, SolverOrder);
        StepIndex = i + 1;
        var predOriginal = dataPrediction ? converted.alias() : OriginalFromEpsilon(converted, sample, sigmas[i]);
        return new SchedulerStepOutput(prev.to(modelOutput.dtype).MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }

    /// <summary>x̂_0 for DPM-Solver++ (thresholded if asked), ε̂ for DPM-Solver (diffusers' <c>convert_model_output</c>).</summary>
    Tensor ConvertModelOutput(Tensor modelOutput, Tensor sample, float sigma)
    {
        var (alpha, sigmaT) = DpmSolverUpdates.AlphaSigma(sigma);
        var alphaT = SchedulerChecks.Scalar(alpha);
        var sigmaVp = SchedulerChecks.Scalar(sigmaT);
        if (dataPrediction)
        {
            var x0 = Predictions.Original(modelOutput, sample, alphaT, sigmaVp, predictionType);
            return Config.Thresholding ? DynamicThresholding.Apply(x0, Config.DynamicThresholdingRatio, Config.SampleMaxValue) : x0;
        }
        var epsilon = Predictions.Epsilon(modelOutput, sample, alphaT, sigmaVp, predictionType);
        if (!Config.Thresholding)
            return epsilon;
        var thresholded = DynamicThresholding.Apply((sample - sigmaVp * epsilon) / alphaT, Config.DynamicThresholdingRatio, Config.SampleMaxValue);
        return (sample - alphaT * thresholded) / sigmaVp;
    }

    static Tensor OriginalFromEpsilon(Tensor epsilon, Tensor sample, float sigma)
    {
        var (alpha, sigmaT) = DpmSolverUpdates.AlphaSigma(sigma);
        return (sample - SchedulerChecks.Scalar(sigmaT) * epsilon) / SchedulerChecks.Scalar(alpha);
    }

    void ClearModelOutputs()
    {
        for (int k = 0; k < modelOutputs.Length; k++)
        {
            modelOutputs[k]?.Dispose();
            modelOutputs[k] = null;
        }
    }

    public void Dispose()
    {
        ClearModelOutputs();
        Schedule.Dispose();
    }
}
