using Diffuse.Schedules;

namespace Diffuse.Tests.Schedules;

public sealed class SchedulerConfigTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("diffuse-config-").FullName;

    static string TinyGrayConfig => Path.Combine(Fixtures.TinyGray, "scheduler", "scheduler_config.json");

    string Write(string name, string text)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Defaults_are_diffusers_ddpm_defaults()
    {
        var c = new SchedulerConfig();
        Assert.Equal(1000, c.NumTrainTimesteps);
        Assert.Equal(0.0001, c.BetaStart);
        Assert.Equal(0.02, c.BetaEnd);
        Assert.Equal("linear", c.BetaSchedule);
        Assert.Equal("epsilon", c.PredictionType);
        Assert.Equal("fixed_small", c.VarianceType);
        Assert.True(c.ClipSample);
        Assert.Equal(1.0, c.ClipSampleRange);
        Assert.Equal("leading", c.TimestepSpacing);
        Assert.Equal(0, c.StepsOffset);
        Assert.Null(c.TrainedBetas);
        Assert.Null(c.SetAlphaToOne);
    }

    [Fact]
    public void Loads_the_diffusers_tiny_gray_scheduler_config()
    {
        var c = SchedulerConfigJson.Load(TinyGrayConfig);
        Assert.Equal("DDPMScheduler", c.ClassName);
        Assert.Equal("0.31.0", c.DiffusersVersion);
        Assert.Equal(new SchedulerConfig { ClassName = "DDPMScheduler", DiffusersVersion = "0.31.0", Extra = c.Extra }, c);
        Assert.Equal(0.995, c.DynamicThresholdingRatio);
        Assert.Equal(1.0, c.SampleMaxValue);
    }

    [Fact]
    public void Save_then_load_round_trips_every_key_including_unknown_ones()
    {
        var original = SchedulerConfigJson.Load(TinyGrayConfig) with
        {
            BetaSchedule = "squaredcos_cap_v2", PredictionType = "v_prediction", SetAlphaToOne = false, StepsOffset = 1,
            SolverOrder = 3, UseKarrasSigmas = true, LambdaMinClipped = double.NegativeInfinity, SkipPrkSteps = true,
            Extra = new() { ["flow_shift"] = System.Text.Json.JsonSerializer.SerializeToElement(3.5) },
        };
        string path = Path.Combine(folder, "scheduler_config.json");
        original.Save(path);
        var loaded = SchedulerConfig.Load(path);
        Assert.Equal(original with { Extra = null }, loaded with { Extra = null });
        Assert.Equal(original.Extra!.Keys.Order(), loaded.Extra!.Keys.Order());
        Assert.Equal(SchedulerConfigJson.ToJson(original), File.ReadAllText(path));
    }

    [Fact]
    public void Saved_json_has_sorted_snake_case_keys_like_diffusers()
    {
        string json = SchedulerConfigJson.ToJson(SchedulerConfigJson.Load(TinyGrayConfig));
        var keys = System.Text.Json.JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Equal(
            ["_class_name", "_diffusers_version", "beta_end", "beta_schedule", "beta_start", "clip_sample",
             "clip_sample_range", "dynamic_thresholding_ratio", "num_train_timesteps", "prediction_type",
             "rescale_betas_zero_snr", "sample_max_value", "steps_offset", "thresholding", "timestep_spacing",
             "trained_betas", "variance_type"],
            keys);
        Assert.Contains("\"trained_betas\": null", json);
    }

    [Fact]
    public void Save_replaces_an_existing_file_and_leaves_no_temporary_files()
    {
        string path = Write("scheduler_config.json", "old contents");
        SchedulerConfigJson.Save(new SchedulerConfig { NumTrainTimesteps = 10 }, path);
        Assert.Equal(10, SchedulerConfigJson.Load(path).NumTrainTimesteps);
        Assert.Equal(["scheduler_config.json"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Bare_non_finite_numbers_written_by_python_are_read_and_written_back()
    {
        string path = Write("dpm.json", """{"_class_name": "DPMSolverMultistepScheduler", "lambda_min_clipped": -Infinity}""");
        var c = SchedulerConfigJson.Load(path);
        Assert.Contains("\"lambda_min_clipped\": -Infinity", SchedulerConfigJson.ToJson(c));
    }

    [Fact]
    public void Non_finite_words_inside_strings_are_left_alone()
    {
        var c = SchedulerConfigJson.Parse("""{"note": "a, NaN, Infinity]", "x": NaN}""");
        Assert.Equal("a, NaN, Infinity]", c.Extra!["note"].GetString());
        Assert.Equal("NaN", c.Extra["x"].GetString());
    }

    [Fact]
    public void Missing_file_is_reported_with_its_path()
    {
        string path = Path.Combine(folder, "nope.json");
        var e = Assert.ThrowsAny<DiffuseException>(() => SchedulerConfigJson.Load(path));
        Assert.Equal($"scheduler config '{path}' not found", e.Message);
    }

    [Fact]
    public void Text_that_is_not_json_is_reported_with_the_file_name()
    {
        string path = Write("bad.json", "num_train_timesteps = 1000");
        var e = Assert.ThrowsAny<DiffuseException>(() => SchedulerConfigJson.Load(path));
        Assert.StartsWith($"{path}: not a valid scheduler config", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_reported_with_the_file_name()
    {
        string path = Write("wrong.json", """{"num_train_timesteps": "many"}""");
        var e = Assert.ThrowsAny<DiffuseException>(() => SchedulerConfigJson.Load(path));
        Assert.StartsWith($"{path}: not a valid scheduler config", e.Message);
    }

    [Fact]
    public void Unknown_beta_schedule_is_reported_with_the_file_name_and_the_choices()
    {
        string path = Write("foo.json", """{"beta_schedule": "foo"}""");
        var e = Assert.ThrowsAny<DiffuseException>(() => SchedulerConfigJson.Load(path));
        Assert.Equal($"{path}: unknown beta_schedule 'foo' (expected linear, scaled_linear, squaredcos_cap_v2, sigmoid)", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Non_positive_num_train_timesteps_is_rejected(int t)
    {
        string path = Write("t.json", $$"""{"num_train_timesteps": {{t}}}""");
        var e = Assert.ThrowsAny<DiffuseException>(() => SchedulerConfigJson.Load(path));
        Assert.Equal($"{path}: num_train_timesteps must be positive, got {t}", e.Message);
    }

    [Fact]
    public void Unknown_prediction_type_and_spacing_are_rejected()
    {
        Assert.ThrowsAny<DiffuseException>(() => SchedulerConfigJson.Parse("""{"prediction_type": "x0"}"""));
        Assert.ThrowsAny<DiffuseException>(() => SchedulerConfigJson.Parse("""{"timestep_spacing": "even"}"""));
        Assert.ThrowsAny<DiffuseException>(() => SchedulerConfigJson.Parse("null"));
    }

    [Fact]
    public void Trained_betas_must_have_one_value_per_timestep()
    {
        var e = Assert.ThrowsAny<DiffuseException>(() =>
            SchedulerConfigJson.Parse("""{"num_train_timesteps": 3, "trained_betas": [0.1, 0.2]}""", "cfg"));
        Assert.Equal("cfg: trained_betas has 2 values but num_train_timesteps is 3", e.Message);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
