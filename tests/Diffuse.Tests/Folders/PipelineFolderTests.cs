using System.Collections;
using System.Text.Json.Nodes;
using Diffuse.Formats;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Schedules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Diffuse.Tests.Folders;

/// <summary>Reading and writing diffusers' folder layout: what diffusers wrote loads, and what we write is what it wrote.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class PipelineFolderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A 1-channel 8×8 net with self-attention in a down block, an up block and the middle: 2 levels of 8 and 16 channels.</summary>
    private static UNet2DConfig SmallAttentionConfig => new()
    {
        SampleSize = 8, InChannels = 1, OutChannels = 1, BlockOutChannels = [8, 16], LayersPerBlock = 1,
        DownBlockTypes = ["DownBlock2D", "AttnDownBlock2D"], UpBlockTypes = ["AttnUpBlock2D", "UpBlock2D"],
        NormNumGroups = 4, AttentionHeadDim = 4,
    };

    private string SaveSmall(string name, out UNet2DModel model)
    {
        var folder = _temp.File(name);
        manual_seed(1);
        model = new UNet2DModel(SmallAttentionConfig);
        TestPipelines.Save(folder, model, new SchedulerConfig { ClassName = "DDPMScheduler" });
        return folder;
    }

    private static void AssertSameWeights(nn.Module expected, nn.Module actual)
    {
        var want = expected.state_dict();
        var got = actual.state_dict();
        Assert.Equal(want.Keys.Order(), got.Keys.Order());
        foreach (var (key, value) in want)
            Assert.True(value.eq(got[key]).all().item<bool>(), key);
    }

    private static string UNetWeights(string folder) => Path.Combine(folder, "unet", "diffusion_pytorch_model.safetensors");

    [Fact]
    public void Saving_tiny_gray_again_writes_the_same_config_values_index_and_weight_bytes()
    {
        var contents1 = PipelineFolder.Read(Fixtures.TinyGray); var model = contents1.Network; var scheduler = contents1.Scheduler;
        using var _ = model;
        var saved = _temp.File("tiny-gray-again");
        TestPipelines.Save(saved, model, scheduler);

        var original = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.TinyGray, "unet", "config.json")))!.AsObject();
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(saved, "unet", "config.json")))!.AsObject();
        Assert.Equal(original.Select(kv => kv.Key).Order(), written.Select(kv => kv.Key).Order());
        foreach (var (key, value) in original)
            Assert.True(SameJson(value, written[key]), $"{key}: {value?.ToJsonString()} became {written[key]?.ToJsonString()}");

        var scheduled = JsonNode.Parse(File.ReadAllText(Path.Combine(saved, "scheduler", "scheduler_config.json")))!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.TinyGray, "scheduler", "scheduler_config.json")))!.AsObject())
            Assert.True(SameJson(value, scheduled[key]), $"scheduler {key}");

        Assert.Equal(File.ReadAllText(Path.Combine(Fixtures.TinyGray, "model_index.json")), File.ReadAllText(Path.Combine(saved, "model_index.json")));
        Assert.Equal(File.ReadAllBytes(UNetWeights(Fixtures.TinyGray)), File.ReadAllBytes(UNetWeights(saved)));
        Assert.Equal("pt", SafetensorsFile.ReadMetadata(UNetWeights(saved))["format"]);
    }

    /// <summary>JSON equality with numbers compared by value (diffusers writes 1e-05 and 0.0, .NET 1E-05 and 0).</summary>
    private static bool SameJson(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (null, null) => true,
        (JsonValue x, JsonValue y) when x.TryGetValue(out double dx) && y.TryGetValue(out double dy) => dx == dy,
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => SameJson(p.First, p.Second)),
        _ => JsonNode.DeepEquals(a, b),
    };

    [Fact]
    public void A_pytorch_bin_state_dict_loads_when_no_safetensors_is_present()
    {
        var folder = SaveSmall("bin", out var model);
        using var _ = model;
        File.Delete(UNetWeights(folder));
        var table = new Hashtable();
        foreach (var (key, value) in model.state_dict()) table[key] = value;
        PyTorchPickler.PickleStateDict(Path.Combine(folder, "unet", "diffusion_pytorch_model.bin"), table);

        var contents2 = PipelineFolder.Read(folder); var loaded = contents2.Network;
        using var __ = loaded;
        AssertSameWeights(model, loaded);
    }

    [Fact]
    public void A_truncated_bin_file_in_the_pre_zip_pickle_format_is_rejected_by_name()
    {
        var folder = SaveSmall("old-bin", out var model);
        model.Dispose();
        File.Delete(UNetWeights(folder));
        var bin = Path.Combine(folder, "unet", "diffusion_pytorch_model.bin");
        File.WriteAllBytes(bin, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46]);
        var e = Assert.ThrowsAny<DiffuseException>(() => PipelineFolder.Read(folder));
        Assert.StartsWith(bin + ": not a readable PyTorch state dict (pre-1.6 format)", e.Message);
    }

    [Fact]
    public void A_bin_file_that_is_no_pytorch_file_is_rejected_by_name()
    {
        var folder = SaveSmall("html-bin", out var model);
        model.Dispose();
        File.Delete(UNetWeights(folder));
        var bin = Path.Combine(folder, "unet", "diffusion_pytorch_model.bin");
        File.WriteAllText(bin, "<html>404</html>");
        var e = Assert.ThrowsAny<DiffuseException>(() => PipelineFolder.Read(folder));
        Assert.StartsWith(bin + ": not a PyTorch file", e.Message);
    }

    [Fact]
    public void Old_attention_names_are_renamed_on_load()
    {
        var folder = SaveSmall("old-names", out var model);
        using var _ = model;
        static string Old(string key) => key.Replace(".to_q.", ".query.").Replace(".to_k.", ".key.").Replace(".to_v.", ".value.").Replace(".to_out.0.", ".proj_attn.");
        var renamed = model.state_dict().ToDictionary(kv => Old(kv.Key), kv => kv.Value);
        Assert.Equal(32, renamed.Keys.Count(k => k.Contains(".query.") || k.Contains(".key.") || k.Contains(".value.") || k.Contains(".proj_attn.")));
        SafetensorsFile.Write(UNetWeights(folder), renamed);

        var contents3 = PipelineFolder.Read(folder); var loaded = contents3.Network;
        using var __ = loaded;
        AssertSameWeights(model, loaded);
    }

    [Theory]
    [InlineData("mid_block.attentions.0.query.weight", "mid_block.attentions.0.to_q.weight")]
    [InlineData("down_blocks.1.attentions.0.key.bias", "down_blocks.1.attentions.0.to_k.bias")]
    [InlineData("up_blocks.0.attentions.2.value.weight", "up_blocks.0.attentions.2.to_v.weight")]
    [InlineData("mid_block.attentions.0.proj_attn.bias", "mid_block.attentions.0.to_out.0.bias")]
    [InlineData("mid_block.attentions.0.group_norm.weight", "mid_block.attentions.0.group_norm.weight")]
    [InlineData("mid_block.resnets.0.query.weight", "mid_block.resnets.0.query.weight")]
    public void Legacy_attention_key_renames_as_diffusers_does(string old, string current) =>
        Assert.Equal(current, LegacyAttentionKeys.Rename(old));

    [Fact]
    public void Weights_whose_shapes_disagree_with_the_config_leave_the_model_untouched()
    {
        manual_seed(2);
        using var model = new UNet2DModel(SmallAttentionConfig);
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        // Every weight but the last in file order is valid, so a loader that copied as it checked would have
        // overwritten nearly the whole model before failing.
        var path = _temp.File("bad-shape.safetensors");
        var weights = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value + 1);
        weights["up_blocks.1.resnets.1.norm2.weight"] = ones(3);
        SafetensorsFile.Write(path, weights);

        var e = Assert.ThrowsAny<DiffuseException>(() => ModelWeights.LoadInto(model, path));
        Assert.Equal($"{path}: weight 'up_blocks.1.resnets.1.norm2.weight' has shape [3] but the config needs [8]", e.Message);
        foreach (var (key, value) in model.state_dict())
            Assert.True(value.eq(before[key]).all().item<bool>(), $"{key} was changed");
    }

    [Fact]
    public void A_config_that_disagrees_with_the_weights_fails_the_folder_load()
    {
        var folder = SaveSmall("wrong-config", out var model);
        model.Dispose();
        var config = Path.Combine(folder, "unet", "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"layers_per_block\": 1", "\"layers_per_block\": 2"));
        var e = Assert.ThrowsAny<DiffuseException>(() => PipelineFolder.Read(folder));
        Assert.StartsWith(UNetWeights(folder) + ": missing weight", e.Message);
    }

    [Fact]
    public void A_config_that_is_not_json_fails_naming_the_file()
    {
        var folder = SaveSmall("not-json", out var model);
        model.Dispose();
        var config = Path.Combine(folder, "unet", "config.json");
        File.WriteAllText(config, "{ \"sample_size\": 8,");
        var e = Assert.ThrowsAny<DiffuseException>(() => PipelineFolder.Read(folder));
        Assert.StartsWith(config + ": not valid JSON", e.Message);
    }

    [Fact]
    public void A_model_index_naming_an_unsupported_unet_is_rejected()
    {
        var folder = SaveSmall("conditional", out var model);
        model.Dispose();
        var index = Path.Combine(folder, "model_index.json");
        File.WriteAllText(index, File.ReadAllText(index).Replace("\"UNet2DModel\"", "\"UNet3DConditionModel\""));
        var e = Assert.ThrowsAny<DiffuseException>(() => PipelineFolder.Read(folder));
        Assert.Equal($"{index}: unet: 'UNet3DConditionModel' is not supported (supported: {string.Join(", ", ModelFolder.DenoiserClassNames)})", e.Message);
    }

    [Fact]
    public void Weights_saved_in_shards_load_as_one_file_and_a_missing_shard_is_named()
    {
        // As transformers and diffusers save large models: the tensors split over files, an index mapping each to its file.
        var folder = SaveSmall("sharded", out var model);
        using var _ = model;
        var weights = UNetWeights(folder);
        var tensors = SafetensorsFile.Read(weights);
        try
        {
            var keys = tensors.Keys.Order().ToList();
            var first = keys.Take(keys.Count / 2).ToList();
            var map = new System.Text.Json.Nodes.JsonObject();
            foreach (var key in keys) map[key] = first.Contains(key) ? "part-1.safetensors" : "part-2.safetensors";
            var unet = Path.GetDirectoryName(weights)!;
            SafetensorsFile.Write(Path.Combine(unet, "part-1.safetensors"), first.ToDictionary(k => k, k => tensors[k]));
            SafetensorsFile.Write(Path.Combine(unet, "part-2.safetensors"), keys.Except(first).ToDictionary(k => k, k => tensors[k]));
            File.WriteAllText(weights + ".index.json", new System.Text.Json.Nodes.JsonObject { ["weight_map"] = map }.ToJsonString());
            File.Delete(weights);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        var contents = PipelineFolder.Read(folder);
        using (contents.Network) AssertSameWeights(model, contents.Network);

        File.Delete(Path.Combine(Path.GetDirectoryName(weights)!, "part-2.safetensors"));
        var e = Assert.ThrowsAny<DiffuseException>(() => PipelineFolder.Read(folder));
        Assert.Equal($"{weights}.index.json: shard 'part-2.safetensors' is missing", e.Message);
    }

    [Fact]
    public void The_unet_folder_of_a_pipeline_loads_alone_with_the_pipelines_scheduler()
    {
        var contents4 = PipelineFolder.Read(Path.Combine(Fixtures.TinyGray, "unet")); var model = contents4.Network; var scheduler = contents4.Scheduler;
        using var _ = model;
        Assert.Equal(32, ((UNet2DModel)model).Config.SampleSize);
        Assert.Equal("DDPMScheduler", scheduler.ClassName);
        Assert.True(scheduler.ClipSample);
    }

    [Fact]
    public void A_bare_model_folder_loads_with_ddpm_scheduler_defaults()
    {
        var folder = SaveSmall("pipeline", out var model);
        using var _ = model;
        var bare = _temp.File("bare-model");
        Directory.Move(Path.Combine(folder, "unet"), bare);
        var contents5 = PipelineFolder.Read(bare); var loaded = contents5.Network; var scheduler = contents5.Scheduler;
        using var __ = loaded;
        AssertSameWeights(model, loaded);
        Assert.Equal(1000, scheduler.NumTrainTimesteps);
        Assert.Equal("linear", scheduler.BetaSchedule);
    }
}
