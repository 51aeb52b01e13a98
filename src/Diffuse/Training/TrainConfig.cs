using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Formats;
using Diffuse.Models;
using TorchSharp;

namespace Diffuse.Training;

/// <summary>
/// Everything that decides a training run. Stored in every checkpoint, so that a resumed run is the
/// same run. Defaults are the recipe that trains the default preset on the embedded Fashion-MNIST
/// part in a few minutes on 2 CPU cores (see README for why each one).
/// </summary>
public sealed record TrainConfig
{
    public const string GenerateTask = "generate";
    public const string SuperresTask = "superres";
    public const string TextToImageTask = "text-to-image";
    public const string AutoencoderTask = "autoencoder";
    public const string DiffusionObjective = "diffusion";
    public const string FlowObjective = "flow";

    [JsonIgnore] public bool IsFlow => Objective == FlowObjective;

    [JsonPropertyName("task")] public string Task { get; init; } = GenerateTask;
    /// <summary>For <c>--task superres</c>: how many times smaller the low-resolution input is.</summary>
    [JsonPropertyName("superres_scale")] public int? SuperresScale { get; init; }
    /// <summary>For <c>--task text-to-image</c>: a frozen AutoencoderKL folder (a latent model), or null to denoise pixels.</summary>
    [JsonPropertyName("vae")] public string? Vae { get; init; }
    /// <summary>For <c>--task text-to-image</c>: a folder with a frozen CLIP <c>text_encoder/</c> and <c>tokenizer/</c>, or null to train one from scratch.</summary>
    [JsonPropertyName("text_encoder")] public string? TextEncoder { get; init; }
    /// <summary>For a text encoder trained from scratch: the token length prompts are padded and cut to.</summary>
    [JsonPropertyName("max_length")] public int MaxLength { get; init; } = 16;
    /// <summary>For <c>--task autoencoder</c>: the weight of the KL term against the squared error (latent diffusion's 10⁻⁶).</summary>
    [JsonPropertyName("kl_weight")] public double KlWeight { get; init; } = 1e-6;
    [JsonPropertyName("data")] public string Data { get; init; } = "fashion-mnist";
    [JsonPropertyName("model")] public string Model { get; init; } = ModelPresets.Default;
    [JsonPropertyName("image_size")] public int? ImageSize { get; init; }
    [JsonPropertyName("steps")] public int Steps { get; init; } = 2000;
    [JsonPropertyName("batch")] public int Batch { get; init; } = 64;
    [JsonPropertyName("lr")] public double LearningRate { get; init; } = 2e-3;
    [JsonPropertyName("warmup_steps")] public int WarmupSteps { get; init; } = 100;
    [JsonPropertyName("min_lr_ratio")] public double MinLrRatio { get; init; } = 0.0;
    [JsonPropertyName("weight_decay")] public double WeightDecay { get; init; } = 0.0;
    [JsonPropertyName("grad_clip")] public double GradClip { get; init; } = 1.0;
    [JsonPropertyName("num_train_timesteps")] public int NumTrainTimesteps { get; init; } = 1000;
    [JsonPropertyName("beta_schedule")] public string BetaSchedule { get; init; } = "squaredcos_cap_v2";
    [JsonPropertyName("prediction_type")] public string PredictionType { get; init; } = "v_prediction";
    [JsonPropertyName("snr_gamma")] public double? SnrGamma { get; init; } = 5.0;

    /// <summary><c>diffusion</c> (a β schedule and ε, x₀ or v) or <c>flow</c> (rectified flow, the velocity ε − x₀).</summary>
    [JsonPropertyName("objective")] public string Objective { get; init; } = DiffusionObjective;
    /// <summary>Flow: diffusers' <c>weighting_scheme</c>, the timestep density and loss weight (logit_normal, mode, cosmap, sigma_sqrt, none).</summary>
    [JsonPropertyName("weighting_scheme")] public string WeightingScheme { get; init; } = FlowMatchingObjective.LogitNormal;
    [JsonPropertyName("logit_mean")] public double LogitMean { get; init; }
    [JsonPropertyName("logit_std")] public double LogitStd { get; init; } = 1.0;
    [JsonPropertyName("mode_scale")] public double ModeScale { get; init; } = 1.29;
    /// <summary>Flow: regress x̂₀ = x_σ − σ·v on x₀ instead of v on ε − x₀ (train_dreambooth_sd3.py's precondition_outputs).</summary>
    [JsonPropertyName("precondition_outputs")] public bool PreconditionOutputs { get; init; }
    /// <summary>Flow: the timestep shift s of the training and sampling σ's (the saved scheduler's <c>shift</c>).</summary>
    [JsonPropertyName("flow_shift")] public double FlowShift { get; init; } = 1.0;
    /// <summary>The float type of the forward and backward passes: float32, or bfloat16 with float32 master weights (<see cref="MixedPrecision"/>).</summary>
    [JsonPropertyName("dtype")] public string DType { get; init; } = "float32";
    [JsonIgnore] public torch.ScalarType TrainingDType => InferenceDTypes.Parse(DType);
    [JsonPropertyName("ema_power")] public double EmaPower { get; init; } = 2.0 / 3.0;
    [JsonPropertyName("ema_max_decay")] public double EmaMaxDecay { get; init; } = 0.9999;
    [JsonPropertyName("conditional")] public bool Conditional { get; init; }
    [JsonPropertyName("cond_drop")] public double CondDrop { get; init; } = 0.1;
    [JsonPropertyName("random_flip")] public bool RandomFlip { get; init; } = true;
    [JsonPropertyName("seed")] public long Seed { get; init; }
    [JsonPropertyName("sample_every")] public int SampleEvery { get; init; } = 500;
    [JsonPropertyName("checkpoint_every")] public int CheckpointEvery { get; init; } = 500;
    [JsonPropertyName("checkpoints_kept")] public int CheckpointsKept { get; init; } = 2;
    [JsonPropertyName("sample_steps")] public int SampleSteps { get; init; } = 50;
    [JsonPropertyName("sample_count")] public int SampleCount { get; init; } = 64;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>
    /// The defaults for a data set: the image recipe above, or for 2-D toy sets many cheap steps with
    /// big batches, no flips, and no min-SNR weighting (it down-weights the low-noise timesteps that
    /// place points sharply on the data, which is all a 2-D model has to get right).
    /// </summary>
    public static TrainConfig ForData(string data) => Diffuse.Data.Toy2D.IsToyName(data)
        ? new TrainConfig { Data = data, Steps = 3000, Batch = 1024, LearningRate = 3e-3, SnrGamma = null, RandomFlip = false, PredictionType = "epsilon" }
        : new TrainConfig { Data = data };

    public void Validate()
    {
        static void Fail(string parameter, string problem) => throw new DiffuseArgumentException(parameter, problem);
        if (Steps <= 0) Fail("steps", $"must be positive (got {Steps})");
        if (Batch <= 0) Fail("batch", $"must be positive (got {Batch})");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) Fail("lr", $"must be a positive number (got {LearningRate})");
        if (WarmupSteps < 0) Fail("warmup_steps", $"must be 0 or more (got {WarmupSteps})");
        if (MinLrRatio is < 0 or > 1) Fail("min_lr_ratio", $"must be in [0, 1] (got {MinLrRatio})");
        if (GradClip < 0) Fail("grad_clip", $"must be 0 (off) or positive (got {GradClip})");
        if (NumTrainTimesteps <= 1) Fail("num_train_timesteps", $"must be more than 1 (got {NumTrainTimesteps})");
        if (SnrGamma is <= 0) Fail("snr_gamma", $"must be positive (got {SnrGamma})");
        if (EmaPower <= 0) Fail("ema_power", $"must be positive (got {EmaPower})");
        if (EmaMaxDecay is < 0 or >= 1) Fail("ema_max_decay", $"must be in [0, 1) (got {EmaMaxDecay})");
        if (SampleEvery < 0) Fail("sample_every", $"must be 0 (off) or positive (got {SampleEvery})");
        if (CheckpointEvery < 0) Fail("checkpoint_every", $"must be 0 (only at the end) or positive (got {CheckpointEvery})");
        if (CheckpointsKept <= 0) Fail("checkpoints_kept", $"must be positive (got {CheckpointsKept})");
        if (SampleSteps <= 0) Fail("sample_steps", $"must be positive (got {SampleSteps})");
        if (SampleCount <= 0) Fail("sample_count", $"must be positive (got {SampleCount})");
        if (ImageSize is <= 0) Fail("image_size", $"must be positive (got {ImageSize})");
        if (CondDrop is < 0 or >= 1) Fail("cond_drop", $"must be in [0, 1) (got {CondDrop})");
        if (Task is not (GenerateTask or SuperresTask or TextToImageTask or AutoencoderTask)) Fail("task", $"'{Task}' is unknown (expected {GenerateTask}, {SuperresTask}, {TextToImageTask} or {AutoencoderTask})");
        if (Task == AutoencoderTask && Conditional) Fail("conditional", $"cannot be combined with the {AutoencoderTask} task");
        if (!(KlWeight >= 0) || double.IsInfinity(KlWeight)) Fail("kl_weight", $"must be 0 or more (got {KlWeight})");
        if (Task != TextToImageTask && (Vae ?? TextEncoder) is not null) Fail(Vae is not null ? "vae" : "text_encoder", $"applies to the {TextToImageTask} task only");
        if (Task == TextToImageTask && Conditional) Fail("conditional", $"cannot be combined with the {TextToImageTask} task: the captions are the condition");
        if (MaxLength < 3) Fail("max_length", $"must be at least 3: bos, one token and eos (got {MaxLength})");
        if (Objective is not (DiffusionObjective or FlowObjective)) Fail("objective", $"'{Objective}' is unknown (expected {DiffusionObjective} or {FlowObjective})");
        if (IsFlow && Task is TextToImageTask or AutoencoderTask) Fail("objective", $"{FlowObjective} is not supported for the {Task} task (only {GenerateTask})");
        if (!FlowMatchingObjective.Schemes.Contains(WeightingScheme)) Fail("weighting_scheme", $"'{WeightingScheme}' is unknown (expected {string.Join(", ", FlowMatchingObjective.Schemes)})");
        if (!(LogitStd > 0)) Fail("logit_std", $"must be positive (got {LogitStd})");
        if (!(FlowShift > 0) || double.IsInfinity(FlowShift)) Fail("flow_shift", $"must be a positive number (got {FlowShift})");
        if (DType.ToLowerInvariant() is not ("float32" or "fp32" or "f32" or "bfloat16" or "bf16"))
            Fail("dtype", $"'{DType}' cannot be trained in (expected float32 or bfloat16; float16 would need loss scaling)");
        else if (Task == AutoencoderTask && TrainingDType != torch.ScalarType.Float32) Fail("dtype", $"bfloat16 training is not supported for the {AutoencoderTask} task");
        if (Task == GenerateTask && SuperresScale is not null) Fail("superres_scale", $"applies to the {SuperresTask} task only");
        if (Task == SuperresTask)
        {
            if (SuperresScale is not int scale) { Fail("superres_scale", $"is needed by the {SuperresTask} task"); return; }
            if (scale < 2) Fail("superres_scale", $"must be 2 or more (got {scale})");
            if (Conditional) Fail("conditional", $"cannot be combined with the {SuperresTask} task: the low-resolution image is the condition");
            if (IsFlow) Fail("objective", $"{FlowObjective} is not supported for the {SuperresTask} task");
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    public static TrainConfig Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainConfig>(File.ReadAllText(path), Json)
                   ?? throw new DiffuseException($"{path}: empty training config");
        }
        catch (JsonException e) { throw new DiffuseException($"{path}: not a valid training config: {e.Message.Split('\n')[0]}"); }
        catch (IOException e) { throw new DiffuseException($"{path}: cannot read training config: {e.Message}"); }
    }
}
