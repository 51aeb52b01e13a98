using System.Text.Json.Nodes;
using Diffuse.Folders;
using Diffuse.Models;

namespace Diffuse.Tests.Models;

/// <summary><c>AutoencoderKLConfig</c>: diffusers' <c>config.json</c> keys in and out, and one-line errors naming the key.</summary>
[Collection(GlobalRngCollection.Name)]   // building a model draws its initial weights from the global generator
public sealed class AutoencoderKLConfigTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Config_round_trips_with_diffusers_keys()
    {
        var source = TinySdVae.ConfigPath;
        var config = AutoencoderKLConfig.Load(source);
        Assert.Equal(0.18215, config.ScalingFactor);
        Assert.Equal(new[] { 32, 64 }, config.BlockOutChannels);
        Assert.Null(config.ShiftFactor);

        var saved = _temp.File("config.json");
        config.Save(saved);
        var original = JsonNode.Parse(File.ReadAllText(source))!.AsObject();
        var written = JsonNode.Parse(File.ReadAllText(saved))!.AsObject();
        Assert.Equal(original.Select(kv => kv.Key).OrderBy(k => k), written.Select(kv => kv.Key).OrderBy(k => k));
        foreach (var (key, value) in original) Assert.True(JsonNode.DeepEquals(value, written[key]), $"{key}: {value?.ToJsonString()} became {written[key]?.ToJsonString()}");
        Assert.Equal(config.ToJson(), AutoencoderKLConfig.Load(saved).ToJson());
    }

    [Fact]
    public void A_config_naming_only_the_class_takes_diffusers_defaults()
    {
        var path = _temp.File("config.json");
        File.WriteAllText(path, "{\"_class_name\": \"AutoencoderKL\"}");
        var config = AutoencoderKLConfig.Load(path);
        Assert.Equal(new[] { "DownEncoderBlock2D" }, config.DownBlockTypes);
        Assert.Equal(new[] { "UpDecoderBlock2D" }, config.UpBlockTypes);
        Assert.Equal(new[] { 64 }, config.BlockOutChannels);
        Assert.Equal((1, 4, 32, 32), (config.LayersPerBlock, config.LatentChannels, config.NormNumGroups, config.SampleSize));
        Assert.Equal((0.18215, true, true, true, true), (config.ScalingFactor, config.ForceUpcast, config.UseQuantConv, config.UsePostQuantConv, config.MidBlockAddAttention));
        Assert.Null(config.ShiftFactor);
        Assert.Null(config.LatentsMean);
    }

    [Fact]
    public void Unknown_keys_are_kept()
    {
        var path = _temp.File("config.json");
        var json = JsonNode.Parse(File.ReadAllText(TinySdVae.ConfigPath))!.AsObject();
        json["_name_or_path"] = "somewhere/sd-vae";
        File.WriteAllText(path, json.ToJsonString());
        var saved = _temp.File("saved.json");
        AutoencoderKLConfig.Load(path).Save(saved);
        Assert.Equal("somewhere/sd-vae", JsonNode.Parse(File.ReadAllText(saved))!["_name_or_path"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("down_block_types", "[\"AttnDownEncoderBlock2D\", \"DownEncoderBlock2D\"]", "down_block_types: block type 'AttnDownEncoderBlock2D' is not supported (supported: DownEncoderBlock2D)")]
    [InlineData("up_block_types", "[\"UpDecoderBlock2D\"]", "up_block_types: has 1 entries but block_out_channels has 2")]
    [InlineData("act_fn", "\"gelu\"", "act_fn: 'gelu' is not supported (supported: silu)")]
    [InlineData("norm_num_groups", "48", "block_out_channels: 32 channels cannot be split into norm_num_groups=48 groups")]
    [InlineData("latents_mean", "[0.1, 0.2]", "latents_mean: has 2 entries but latent_channels is 4")]
    [InlineData("scaling_factor", "0", "scaling_factor: must be a positive number (got 0)")]
    public void A_config_this_library_cannot_build_is_one_line_naming_the_key(string key, string value, string problem)
    {
        var folder = Path.Combine(_temp.Path, "vae");
        Directory.CreateDirectory(folder);
        var json = JsonNode.Parse(File.ReadAllText(TinySdVae.ConfigPath))!.AsObject();
        json[key] = JsonNode.Parse(value);
        var configPath = Path.Combine(folder, "config.json");
        File.WriteAllText(configPath, json.ToJsonString());
        File.Copy(TinySdVae.WeightsPath, Path.Combine(folder, ModelFolder.SafetensorsFile));

        var e = Assert.Throws<DiffuseException>(() => ModelFolder.Load(folder));
        Assert.Equal($"{configPath}: {problem}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_one_line_naming_the_key()
    {
        var path = _temp.File("config.json");
        var json = JsonNode.Parse(File.ReadAllText(TinySdVae.ConfigPath))!.AsObject();
        json["latent_channels"] = "four";
        File.WriteAllText(path, json.ToJsonString());
        var e = Assert.Throws<DiffuseException>(() => AutoencoderKLConfig.Load(path));
        Assert.Contains("latent_channels", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
