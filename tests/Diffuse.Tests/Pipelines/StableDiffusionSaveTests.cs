using System.Text.Json.Nodes;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedules;
using Diffuse.Text;
using Diffuse.Training;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

/// <summary>A saved Stable Diffusion folder reads back bit for bit, laid out as diffusers' save_pretrained lays it out.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class StableDiffusionSaveTests
{
    static string TinySd => Path.Combine(Fixtures.InteropFolder, "tiny-sd");

    static void AssertSameWeights(nn.Module a, nn.Module b)
    {
        var right = b.state_dict();
        foreach (var (key, value) in a.state_dict())
            Assert.True(value.equal(right[key]).all().item<bool>(), key);
        Assert.Equal(a.state_dict().Count, right.Count);
    }

    [Fact]
    public void Tiny_sd_saved_and_loaded_is_the_same_pipeline()
    {
        using var temp = new TempFolder();
        using var original = (StableDiffusionPipeline)DiffusionPipeline.Load(TinySd);
        original.Save(temp.Path);
        using var again = Assert.IsType<StableDiffusionPipeline>(DiffusionPipeline.Load(temp.Path));
        AssertSameWeights(original.UNet, again.UNet);
        AssertSameWeights(original.Vae!, again.Vae!);
        AssertSameWeights(original.TextEncoder.TextModel, again.TextEncoder.TextModel);
        Assert.Equal(original.SchedulerConfig.ClassName, again.SchedulerConfig.ClassName);

        // diffusers' names: model_index.json's components, each folder's files.
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(temp.Path, "model_index.json")))!.AsObject();
        Assert.Equal("StableDiffusionPipeline", (string?)index["_class_name"]);
        Assert.Equal("""["transformers","CLIPTextModel"]""", index["text_encoder"]!.ToJsonString());
        Assert.Equal("""["transformers","CLIPTokenizer"]""", index["tokenizer"]!.ToJsonString());
        Assert.Equal("""["diffusers","AutoencoderKL"]""", index["vae"]!.ToJsonString());
        Assert.Equal("""["diffusers","UNet2DConditionModel"]""", index["unet"]!.ToJsonString());
        Assert.Equal("[null,null]", index["safety_checker"]!.ToJsonString());
        foreach (var file in new[] { "unet/config.json", "unet/diffusion_pytorch_model.safetensors", "vae/config.json",
                                     "vae/diffusion_pytorch_model.safetensors", "text_encoder/config.json", "text_encoder/model.safetensors",
                                     "tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/tokenizer_config.json",
                                     "tokenizer/special_tokens_map.json", "scheduler/scheduler_config.json" })
            Assert.True(File.Exists(Path.Combine(temp.Path, file)), file);
        // transformers' key names: the saved text encoder's keys are exactly the fixture's (bar the dropped position_ids buffer).
        var savedKeys = Diffuse.Formats.SafetensorsWeights.Read(Path.Combine(temp.Path, "text_encoder", "model.safetensors")).Keys.Order();
        var fixtureKeys = Diffuse.Formats.SafetensorsWeights.Read(Path.Combine(TinySd, "text_encoder", "model.safetensors")).Keys
            .Where(k => k != ClipTextModel.PositionIdsKey).Order();
        Assert.Equal(fixtureKeys, savedKeys);
        var textConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(temp.Path, "text_encoder", "config.json")))!;
        Assert.Equal("""["CLIPTextModel"]""", textConfig["architectures"]!.ToJsonString());

        var options = new GenerationOptions { Prompt = "a red shirt", Steps = 3, Seed = 5, Scheduler = "ddim" };
        using var a = original.Generate(options);
        using var b = again.Generate(options);
        Assert.True(a.Samples.equal(b.Samples).all().item<bool>());
    }

    [Fact]
    public void A_pixel_space_text_to_image_pipeline_saves_without_a_vae_and_reads_back()
    {
        using var temp = new TempFolder();
        var tokenizer = ClipBpeTrainer.Train(["a red shirt", "a blue bag"], temp.File("bpe"), modelMaxLength: 8);
        manual_seed(3);
        var text = new ClipTextModel(TextToImageSetup.ScratchTextConfig(tokenizer, 8));
        var unet = new UNet2DConditionModel(ModelPresets.UNet2DCondition(ModelPresets.Tiny, 3, 16, 64));
        var scheduler = new SchedulerConfig { ClassName = "DDIMScheduler", PredictionType = "epsilon" };
        using var pipeline = new StableDiffusionPipeline(unet, null, new ClipTextEncoder(tokenizer, text), scheduler);
        pipeline.Save(temp.File("model"));
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(temp.File("model"), "model_index.json")))!.AsObject();
        Assert.Equal(StableDiffusionPipeline.PixelClassName, (string?)index["_class_name"]);
        Assert.False(index.ContainsKey("vae"));
        Assert.False(Directory.Exists(Path.Combine(temp.File("model"), "vae")));

        using var again = Assert.IsType<StableDiffusionPipeline>(DiffusionPipeline.Load(temp.File("model")));
        Assert.Null(again.Vae);
        AssertSameWeights(unet, again.UNet);
        AssertSameWeights(text, again.TextEncoder.TextModel);
        Assert.Equal([3L, 16, 16], again.ImageShape);
        var options = new GenerationOptions { Prompt = "a blue bag", Steps = 2, Seed = 1, Count = 2, GuidanceScale = 2 };
        using var x = pipeline.Generate(options);
        using var y = again.Generate(options);
        Assert.Equal([2L, 3, 16, 16], y.Samples.shape);
        Assert.True(x.Samples.equal(y.Samples).all().item<bool>());
    }
}
