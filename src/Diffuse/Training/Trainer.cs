using Diffuse.Data;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// One diffusion model being trained (Ho et al. 2020, Algorithm 1): draw x₀, t and ε, form x_t in
/// closed form, regress the network's output on the target of the prediction type, step AdamW, and
/// fold the new weights into the EMA. Everything random comes from one seeded generator whose state
/// is checkpointed, so a resumed run repeats the uninterrupted one.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly ITrainingData _data;
    private readonly AdamW _optimizer;
    private readonly TorchSharp.Modules.Parameter[] _parameters;
    private readonly ExponentialMovingAverage _ema;
    private readonly PredictionType _predictionType;
    private readonly DiffusionPipeline? _emaPipeline;
    private readonly float[]? _flowSigmas;
    private readonly MixedPrecision? _mixedPrecision;

    public TrainConfig Config { get; }
    public nn.Module Model { get; }
    public nn.Module EmaModel { get; }
    /// <summary>The β schedule of a diffusion run; null for a flow-matching run, which has none.</summary>
    public NoiseSchedule? Schedule { get; }
    public SchedulerConfig SchedulerConfig { get; }
    public Generator Generator { get; }
    public int Step { get; private set; }
    public Device Device { get; }
    public double LearningRate => LearningRateSchedule.At(Step, Config.Steps, Config.LearningRate, Config.WarmupSteps, Config.MinLrRatio);

    /// <param name="device">where the networks train (default: the CPU). Batches, timesteps and noise are drawn on the CPU
    /// from the run's generator and moved, so a run draws the same numbers on any device.</param>
    public Trainer(TrainConfig config, TrainingPlan plan, Device? device = null)
    {
        config.Validate();
        Config = config;
        var data = plan.Data;
        _data = data;
        SchedulerConfig = config.IsFlow
            // A flow model samples with flow Euler from the shifted σ's it was trained on.
            ? new SchedulerConfig { ClassName = Schedulers.FlowMatchEulerDiscreteScheduler.DiffusersClassName, DiffusersVersion = "0.31.0",
                                    NumTrainTimesteps = config.NumTrainTimesteps, Shift = config.FlowShift }
            : new SchedulerConfig
            {
                // The class names the default sampler of the saved model: DDIM, as the previews use.
                ClassName = "DDIMScheduler",
                DiffusersVersion = "0.31.0",
                NumTrainTimesteps = config.NumTrainTimesteps,
                BetaSchedule = config.BetaSchedule,
                PredictionType = config.PredictionType,
                // Clipping the predicted x₀ to the data range helps images and would distort unbounded toy data.
                ClipSample = data.ValueRange is not null,
                ClipSampleRange = data.ValueRange ?? 1.0,
                // Images sample from t = 999 down ("trailing", Lin et al. 2024): with DDIM 50 steps on the first command's
                // model, FD 101.6 against 105.3 for "leading", which starts at t = 980 (docs/evaluation.md).
                TimestepSpacing = data.ValueRange is not null ? Schedules.TimestepSpacing.Trailing : Schedules.TimestepSpacing.Leading,
            };
        SchedulerConfig.Validate();
        _predictionType = SchedulerConfig.ParsePredictionType();
        if (config.IsFlow) _flowSigmas = FlowMatchSigmas.Training(SchedulerConfig, shifted: true);
        else Schedule = NoiseSchedule.FromConfig(SchedulerConfig);

        // The same seed gives the same initial weights, so a fresh run is reproducible end to end.
        manual_seed(config.Seed);
        Device = device ?? CPU;
        Model = plan.CreateModel();
        EmaModel = plan.CreateModel();
        if (Device.type != DeviceType.CPU)
        {
            Model.to(Device);
            EmaModel.to(Device);
        }
        EmaModel.load_state_dict(Model.state_dict());
        EmaModel.eval();
        foreach (var p in EmaModel.parameters()) p.requires_grad = false;
        _parameters = Model.parameters().ToArray();
        _optimizer = optim.AdamW(_parameters, config.LearningRate, weight_decay: config.WeightDecay);
        if (config.TrainingDType != ScalarType.Float32) _mixedPrecision = new MixedPrecision(Model, plan.CreateModel, config.TrainingDType);
        _ema = new ExponentialMovingAverage(Model, EmaModel, config.EmaPower, config.EmaMaxDecay);
        Generator = new Generator().manual_seed(config.Seed + 1);
        // The EMA weights as the pipeline they are saved and previewed as; the trainer owns (and disposes) the network.
        _emaPipeline = plan.CreatePipeline?.Invoke(EmaModel, SchedulerConfig);
        Objective = plan.Objective;
    }

    /// <summary>The EMA weights as their pipeline: what checkpoints and the final model save, and what previews sample.</summary>
    public DiffusionPipeline EmaPipeline => _emaPipeline ?? throw new DiffuseException("this run trains no diffusion pipeline");

    /// <summary>For a network that is not a denoiser: its loss, saving and previews; null for a diffusion model.</summary>
    public ITrainingObjective? Objective { get; }

    /// <summary>Writes the EMA weights as the run's model: the pipeline folder, or what the objective saves.</summary>
    public void SaveModel(string folder)
    {
        if (Objective is { } objective) objective.Save(EmaModel, folder);
        else EmaPipeline.Save(folder);
    }

    public IDenoiser Denoiser => (IDenoiser)Model;
    public IDenoiser EmaDenoiser => (IDenoiser)EmaModel;

    /// <summary>One optimiser step; returns the (weighted) loss of the batch.</summary>
    public double TrainStep()
    {
        using var scope = NewDisposeScope();
        Model.train();
        double lr = LearningRate;
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = lr;

        var batch = _data.NextBatch(Config.Batch, Generator);
        _mixedPrecision?.LoadWeights();
        var loss = Objective is { } objective ? objective.Loss(Model, batch, Generator)
                 : _flowSigmas is null ? DiffusionLoss(batch) : FlowLoss(batch, _flowSigmas);

        _optimizer.zero_grad();
        loss.backward();
        _mixedPrecision?.StoreGradients();
        if (Config.GradClip > 0) nn.utils.clip_grad_norm_(_parameters, Config.GradClip);
        _optimizer.step();
        _ema.Update(Step);
        Step++;
        return loss.item<float>();
    }

    /// <summary>Ho et al. 2020, Algorithm 1: t uniform, x_t in closed form, the prediction type's target, min-SNR weights.</summary>
    private Tensor DiffusionLoss(TrainingBatch batch)
    {
        var schedule = Schedule!;
        var x0 = batch.Examples;
        var t = randint(0, Config.NumTrainTimesteps, [Config.Batch], dtype: int64, generator: Generator);
        var noise = randn(x0.shape, generator: Generator);
        if (Device.type != DeviceType.CPU) (x0, t, noise) = (x0.to(Device), t.to(Device), noise.to(Device));
        var xt = schedule.AddNoise(x0, noise, t);
        var target = schedule.Target(x0, noise, t, _predictionType);
        var output = Predict(xt, t, Conditioning(batch, x0));
        var perExample = (output - target).square().flatten(1).mean([1]);
        return (perExample * LossWeights(t).to(Device)).mean();
    }

    /// <summary>Rectified flow (<see cref="FlowMatchingObjective"/>): σ from the weighting scheme's density over the shifted training σ's.</summary>
    private Tensor FlowLoss(TrainingBatch batch, float[] sigmas)
    {
        var x0 = batch.Examples;
        var u = FlowMatchingObjective.SampleU(Config.WeightingScheme, Config.Batch, Generator, Config.LogitMean, Config.LogitStd, Config.ModeScale);
        var (sigma, t) = FlowMatchingObjective.At(sigmas, Config.NumTrainTimesteps, FlowMatchingObjective.Indices(u, Config.NumTrainTimesteps));
        var noise = randn(x0.shape, generator: Generator);
        if (Device.type != DeviceType.CPU) (x0, sigma, t, noise) = (x0.to(Device), sigma.to(Device), t.to(Device), noise.to(Device));
        var xt = FlowMatchingObjective.NoisyInput(x0, noise, sigma);
        var output = Predict(xt, t, Conditioning(batch, x0));
        var weighting = FlowMatchingObjective.LossWeighting(Config.WeightingScheme, sigma);
        return FlowMatchingObjective.Loss(output, x0, noise, xt, sigma, weighting, Config.PreconditionOutputs);
    }

    /// <summary>The network's prediction: in bfloat16 through the mixed-precision copy when the run asks for it, as float32.</summary>
    private Tensor Predict(Tensor xt, Tensor t, Conditioning conditioning) =>
        _mixedPrecision?.Predict(xt, t, conditioning) ?? Denoiser.Predict(xt, t, conditioning);

    /// <summary>
    /// What the network is conditioned on in this batch, as the run's config says: a conditional model's class labels,
    /// each replaced by the null class K with probability <c>cond_drop</c> (Ho &amp; Salimans 2022, Algorithm 1), so
    /// that one network also learns the unconditional model that classifier-free guidance needs; a super-resolution
    /// model's own images degraded and bicubically upsampled (SR3, Saharia et al. 2021, §2).
    /// </summary>
    private Conditioning Conditioning(TrainingBatch batch, Tensor x0)
    {
        Tensor? labels = null;
        if (Config.Conditional)
        {
            var given = batch.Labels ?? throw new DiffuseException("a class-conditional model needs labelled training data");
            int nullClass = _data.NumClasses ?? throw new DiffuseException("a class-conditional model needs labelled training data");
            var drop = rand([given.shape[0]], generator: Generator).lt(Config.CondDrop);
            labels = where(drop, full_like(given, nullClass), given).to(Device);
        }
        var image = Config.SuperresScale is int scale ? LowResolution.Upsample(LowResolution.Degrade(x0, scale), scale) : null;
        return new Conditioning { ClassLabels = labels, ImageCondition = image, EncoderHiddenStates = PromptStates(batch) };
    }

    /// <summary>
    /// A text-to-image batch's caption embeddings, each caption replaced by the empty prompt with probability
    /// <c>cond_drop</c> (diffusers' train_text_to_image.py, <c>proportion_empty_prompts</c>), so that the network also
    /// learns the unconditional prediction that classifier-free guidance subtracts (Ho &amp; Salimans 2022).
    /// </summary>
    private Tensor? PromptStates(TrainingBatch batch)
    {
        if (batch.TokenIds is not { } ids) return null;
        if ((_mixedPrecision?.Network ?? Model) is not TextToImageNetworks networks) throw new DiffuseException("captioned data needs a text-to-image model");
        var empty = batch.EmptyPromptIds ?? throw new DiffuseException("captioned data needs the empty prompt's token ids");
        var drop = rand([ids.shape[0]], generator: Generator).lt(Config.CondDrop).view(-1, 1);
        return networks.EncodePrompts(where(drop, empty.view(1, -1).expand_as(ids), ids).to(Device));
    }

    /// <summary>
    /// Min-SNR-γ weighting (Hang et al. 2023): clamp each timestep's weight at SNR γ so that the many
    /// nearly clean, easy timesteps do not dominate the gradient. Expressed per prediction type so
    /// that all three optimise the same weighted x₀ error.
    /// </summary>
    private Tensor LossWeights(Tensor t)
    {
        if (Config.SnrGamma is not double gamma) return ones(t.shape[0]);
        var snr = Schedule!.Snr(t).clamp_min(1e-20);
        var clipped = snr.clamp_max(gamma);
        return _predictionType switch
        {
            PredictionType.Epsilon => clipped / snr,
            PredictionType.VPrediction => clipped / (snr + 1),
            _ => clipped,
        };
    }

    internal AdamW Optimizer => _optimizer;

    internal void RestoreStep(int step) => Step = step;

    public void Dispose()
    {
        _optimizer.Dispose();
        _mixedPrecision?.Dispose();
        Model.Dispose();
        EmaModel.Dispose();
        Schedule?.Dispose();
        Generator.Dispose();
    }
}
