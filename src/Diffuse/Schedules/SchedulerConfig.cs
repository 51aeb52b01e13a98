using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffuse.Schedules;

/// <summary>
/// A diffusers <c>scheduler_config.json</c>: the keys, spellings and defaults of diffusers' DDPMScheduler, plus the
/// keys of DDIM, DPM-Solver, Euler and PNDM (nullable: absent means that class's default), so configs move between
/// diffusers and Diffuse unchanged. Keys this type does not know are kept in <see cref="Extra"/> and written back.
/// Reading and writing live in <see cref="SchedulerConfigJson"/>.
/// </summary>
public sealed record SchedulerConfig
{
    [JsonPropertyName("_class_name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClassName { get; init; }

    [JsonPropertyName("_diffusers_version"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DiffusersVersion { get; init; }

    [JsonPropertyName("num_train_timesteps")]
    public int NumTrainTimesteps { get; init; } = 1000;

    [JsonPropertyName("beta_start")]
    public double BetaStart { get; init; } = 0.0001;

    [JsonPropertyName("beta_end")]
    public double BetaEnd { get; init; } = 0.02;

    [JsonPropertyName("beta_schedule")]
    public string BetaSchedule { get; init; } = BetaSchedules.Linear;

    /// <summary>Explicit betas that replace beta_start/beta_end/beta_schedule when present.</summary>
    [JsonPropertyName("trained_betas")]
    public double[]? TrainedBetas { get; init; }

    [JsonPropertyName("prediction_type")]
    public string PredictionType { get; init; } = PredictionTypes.Epsilon;

    /// <summary>DDPM's reverse-process variance: <c>fixed_small</c> (β̃_t) or <c>fixed_large</c> (β_t).</summary>
    [JsonPropertyName("variance_type")]
    public string VarianceType { get; init; } = "fixed_small";

    [JsonPropertyName("clip_sample")]
    public bool ClipSample { get; init; } = true;

    [JsonPropertyName("clip_sample_range")]
    public double ClipSampleRange { get; init; } = 1.0;

    [JsonPropertyName("timestep_spacing")]
    public string TimestepSpacing { get; init; } = Schedules.TimestepSpacing.Leading;

    [JsonPropertyName("steps_offset")]
    public int StepsOffset { get; init; }

    [JsonPropertyName("rescale_betas_zero_snr")]
    public bool RescaleBetasZeroSnr { get; init; }

    /// <summary>Dynamic thresholding of predicted x_0 (Saharia et al. 2022, §2.3); only DPM-Solver supports it here.</summary>
    [JsonPropertyName("thresholding")]
    public bool Thresholding { get; init; }

    /// <summary>DDIM and PNDM: ᾱ before the first timestep is 1 (true) or ᾱ_0 (false). Absent means true for DDIM, false for PNDM.</summary>
    [JsonPropertyName("set_alpha_to_one"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? SetAlphaToOne { get; init; }

    /// <summary>Dynamic thresholding: the quantile of |x̂_0| per sample taken as its threshold s (Saharia et al. 2022, §2.3).</summary>
    [JsonPropertyName("dynamic_thresholding_ratio")]
    public double DynamicThresholdingRatio { get; init; } = 0.995;

    /// <summary>Dynamic thresholding: the largest threshold s allowed.</summary>
    [JsonPropertyName("sample_max_value")]
    public double SampleMaxValue { get; init; } = 1.0;

    // Keys of the fast samplers. Absent (null) means the diffusers class's own default, given in each summary;
    // they are written only when set, so a DDPM/DDIM config stays as diffusers writes it.

    /// <summary>DPM-Solver: order of the multistep solver, 1, 2 or 3. Absent means 2.</summary>
    [JsonPropertyName("solver_order"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SolverOrder { get; init; }

    /// <summary>DPM-Solver: <c>dpmsolver++</c> (data prediction, Lu et al. 2022b) or <c>dpmsolver</c> (noise prediction, Lu et al. 2022a). Absent means dpmsolver++.</summary>
    [JsonPropertyName("algorithm_type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AlgorithmType { get; init; }

    /// <summary>DPM-Solver: the second-order update, <c>midpoint</c> or <c>heun</c>. Absent means midpoint.</summary>
    [JsonPropertyName("solver_type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SolverType { get; init; }

    /// <summary>DPM-Solver: lower the order on the last steps of a run shorter than 15 steps. Absent means true.</summary>
    [JsonPropertyName("lower_order_final"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? LowerOrderFinal { get; init; }

    /// <summary>DPM-Solver: take a first-order step at the end whatever the run length. Absent means false.</summary>
    [JsonPropertyName("euler_at_final"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? EulerAtFinal { get; init; }

    /// <summary>DPM-Solver, Euler, Heun: space the σ of the steps as Karras et al. 2022, eq. 5 (ρ = 7). Absent means false.</summary>
    [JsonPropertyName("use_karras_sigmas"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? UseKarrasSigmas { get; init; }

    /// <summary>Exponential σ spacing; not supported here (read so that a request for it fails clearly).</summary>
    [JsonPropertyName("use_exponential_sigmas"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? UseExponentialSigmas { get; init; }

    /// <summary>Beta-distribution σ spacing; not supported here (read so that a request for it fails clearly).</summary>
    [JsonPropertyName("use_beta_sigmas"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? UseBetaSigmas { get; init; }

    /// <summary>DPM-Solver: steps uniform in log-SNR; not supported here (read so that a request for it fails clearly).</summary>
    [JsonPropertyName("use_lu_lambdas"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? UseLuLambdas { get; init; }

    /// <summary>DPM-Solver, Euler: σ after the last step, <c>zero</c> or <c>sigma_min</c> (σ of timestep 0). Absent means zero.</summary>
    [JsonPropertyName("final_sigmas_type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FinalSigmasType { get; init; }

    /// <summary>DPM-Solver: timesteps whose λ_t = log(α_t/σ_t) is below this are not visited. Absent means −∞.</summary>
    [JsonPropertyName("lambda_min_clipped"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? LambdaMinClipped { get; init; }

    /// <summary>Euler: how σ is found between training timesteps; only <c>linear</c> is supported. Absent means linear.</summary>
    [JsonPropertyName("interpolation_type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InterpolationType { get; init; }

    /// <summary>Euler: <c>discrete</c> timesteps, or <c>continuous</c> ones (0.25·ln σ, with v_prediction). Absent means discrete.</summary>
    [JsonPropertyName("timestep_type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TimestepType { get; init; }

    /// <summary>Euler: the smallest σ of Karras spacing. Absent means the σ of the last timestep.</summary>
    [JsonPropertyName("sigma_min"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? SigmaMin { get; init; }

    /// <summary>Euler: the largest σ of Karras spacing. Absent means the σ of the first timestep.</summary>
    [JsonPropertyName("sigma_max"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? SigmaMax { get; init; }

    /// <summary>PNDM: skip the Runge–Kutta warm-up and use linear multistep only (PLMS). Absent means false.</summary>
    [JsonPropertyName("skip_prk_steps"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? SkipPrkSteps { get; init; }

    // Keys of the flow-matching schedulers (FlowMatchEulerDiscreteScheduler, FlowMatchHeunDiscreteScheduler), written
    // only when set.

    /// <summary>Flow matching: the timestep shift s, σ ↦ s·σ/(1 + (s − 1)·σ) (Esser et al. 2024, §5.3.2). Absent means 1.</summary>
    [JsonPropertyName("shift"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Shift { get; init; }

    /// <summary>Flow matching: shift by μ from the image's sequence length instead (Flux, SD3.5). Absent means false.</summary>
    [JsonPropertyName("use_dynamic_shifting"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? UseDynamicShifting { get; init; }

    /// <summary>Dynamic shifting: μ at <c>base_image_seq_len</c> tokens. Absent means 0.5.</summary>
    [JsonPropertyName("base_shift"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? BaseShift { get; init; }

    /// <summary>Dynamic shifting: μ at <c>max_image_seq_len</c> tokens. Absent means 1.15.</summary>
    [JsonPropertyName("max_shift"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? MaxShift { get; init; }

    /// <summary>Dynamic shifting: the sequence length of <c>base_shift</c>. Absent means 256.</summary>
    [JsonPropertyName("base_image_seq_len"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? BaseImageSeqLen { get; init; }

    /// <summary>Dynamic shifting: the sequence length of <c>max_shift</c>. Absent means 4096.</summary>
    [JsonPropertyName("max_image_seq_len"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxImageSeqLen { get; init; }

    /// <summary>Keys this type does not model, kept as read so they are written back.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }

    /// <summary>Reads and validates a <c>scheduler_config.json</c> (see <see cref="SchedulerConfigJson.Load"/>).</summary>
    public static SchedulerConfig Load(string path) => SchedulerConfigJson.Load(path);

    /// <summary>Writes this config atomically as diffusers does (see <see cref="SchedulerConfigJson.Save"/>).</summary>
    public void Save(string path) => SchedulerConfigJson.Save(this, path);

    /// <summary><see cref="PredictionType"/> parsed; throws <see cref="DiffuseException"/> if unknown.</summary>
    public Schedules.PredictionType ParsePredictionType() => PredictionTypes.Parse(PredictionType);

    /// <summary>Throws <see cref="DiffuseException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (NumTrainTimesteps <= 0)
            throw new DiffuseException($"num_train_timesteps must be positive, got {NumTrainTimesteps}");
        if (TrainedBetas is { } trained)
        {
            if (trained.Length != NumTrainTimesteps)
                throw new DiffuseException(
                    $"trained_betas has {trained.Length} values but num_train_timesteps is {NumTrainTimesteps}");
        }
        else
        {
            if (!BetaSchedules.Names.Contains(BetaSchedule))
                throw new DiffuseException(
                    $"unknown beta_schedule '{BetaSchedule}' (expected {string.Join(", ", BetaSchedules.Names)})");
            if (!(BetaStart > 0 && BetaEnd > 0 && BetaStart <= 1 && BetaEnd <= 1))
                throw new DiffuseException($"beta_start and beta_end must lie in (0, 1], got {BetaStart} and {BetaEnd}");
        }
        PredictionTypes.Parse(PredictionType);
        if (!Schedules.TimestepSpacing.Names.Contains(TimestepSpacing))
            throw new DiffuseException(
                $"unknown timestep_spacing '{TimestepSpacing}' (expected {string.Join(", ", Schedules.TimestepSpacing.Names)})");
        if (!(ClipSampleRange > 0))
            throw new DiffuseException($"clip_sample_range must be positive, got {ClipSampleRange}");
        if (StepsOffset < 0)
            throw new DiffuseException($"steps_offset must not be negative, got {StepsOffset}");
    }
}
