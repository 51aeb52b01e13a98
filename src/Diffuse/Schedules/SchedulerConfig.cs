using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffuse.Schedules;

/// <summary>
/// A diffusers <c>scheduler_config.json</c>: the keys, spellings and defaults of diffusers' DDPMScheduler (plus
/// DDIM's <c>set_alpha_to_one</c>), so configs move between diffusers and Diffuse unchanged. Keys this type does
/// not know are kept in <see cref="Extra"/> and written back. Reading and writing live in
/// <see cref="SchedulerConfigJson"/>.
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

    /// <summary>Dynamic thresholding of predicted x_0 (Saharia et al. 2022, §2.3); samplers here reject it.</summary>
    [JsonPropertyName("thresholding")]
    public bool Thresholding { get; init; }

    /// <summary>DDIM only: ᾱ before the first timestep is 1 (true) or ᾱ_0 (false). Absent means true.</summary>
    [JsonPropertyName("set_alpha_to_one"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? SetAlphaToOne { get; init; }

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
