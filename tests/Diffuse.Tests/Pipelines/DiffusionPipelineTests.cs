using System.Text.Json.Nodes;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Runtime;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using Diffuse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

/// <summary>The front door: <see cref="DiffusionPipeline.Load"/> picks the pipeline by model_index.json and Generate is the visible loop.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class DiffusionPipelineTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    static SchedulerConfig Ddim => new() { ClassName = "DDIMScheduler", BetaSchedule = "squaredcos_cap_v2" };

    static UNet2DModel ClassUNet(int seed = 3)
    {
        manual_seed(seed);
        return new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 8, numClasses: 4));
    }

    [Fact]
    public void The_task_is_recorded_in_model_index_not_in_the_unet_config()
    {
        var folder = _temp.File("class-model");
        using (var unet = ClassUNet()) new ClassConditionalPipeline(unet, Ddim, nullClass: 4).Save(folder);

        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model_index.json")))!.AsObject();
        Assert.Equal("DiffuseClassConditionalPipeline", (string?)index["_class_name"]);
        Assert.Equal(4, (int?)index["null_class"]);
        Assert.Equal("UNet2DModel", (string?)index["unet"]![1]);
        var unetConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "unet", "config.json")))!.AsObject();
        Assert.False(unetConfig.ContainsKey("null_class"));

        using var loaded = DiffusionPipeline.Load(folder);
        var classConditional = Assert.IsType<ClassConditionalPipeline>(loaded);
        Assert.Equal(4, classConditional.NullClass);
        Assert.Equal(4, loaded.ClassCount);
        Assert.Equal(new long[] { 1, 8, 8 }, loaded.SampleShape);
    }

    [Theory]
    [InlineData("null_class", 4, typeof(ClassConditionalPipeline))]
    [InlineData("superres_scale", 2, typeof(SuperResolutionPipeline))]
    public void Folders_written_before_the_task_moved_to_model_index_still_load(string key, int value, Type expected)
    {
        // As diffuse wrote them until now: model_index.json always said DDPMPipeline, the task sat in the UNet config.
        var folder = _temp.File($"legacy-{key}");
        manual_seed(1);
        var config = key == "null_class"
            ? ModelPresets.UNet(ModelPresets.Tiny, 1, 8, numClasses: 4)
            : ModelPresets.UNet(ModelPresets.Tiny, 1, 8, superresScale: 2);
        using (var unet = new UNet2DModel(config)) new DdpmPipeline(unet, Ddim).Save(folder);
        var configPath = Path.Combine(folder, "unet", "config.json");
        var unetConfig = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        unetConfig[key] = value;
        File.WriteAllText(configPath, unetConfig.ToJsonString());

        using var loaded = DiffusionPipeline.Load(folder);
        Assert.IsType(expected, loaded);
        if (loaded is ClassConditionalPipeline c) Assert.Equal(value, c.NullClass);
        if (loaded is SuperResolutionPipeline s) Assert.Equal(value, s.Scale);
    }

    [Fact]
    public void A_legacy_toy_folder_loads_as_a_point_cloud_pipeline()
    {
        var folder = _temp.File("legacy-toy");
        manual_seed(2);
        using (var toy = new ToyMlp(ModelPresets.Toy())) new PointCloudPipeline(toy, Ddim with { ClipSample = false }).Save(folder);
        var indexPath = Path.Combine(folder, "model_index.json");
        var index = JsonNode.Parse(File.ReadAllText(indexPath))!.AsObject();
        index["_class_name"] = "DDPMPipeline";
        File.WriteAllText(indexPath, index.ToJsonString());
        using var loaded = DiffusionPipeline.Load(folder);
        Assert.IsType<PointCloudPipeline>(loaded);
        Assert.False(loaded.MakesImages);
    }

    [Fact]
    public void A_training_run_folder_loads_the_model_it_holds()
    {
        var run = _temp.File("run");
        using (var unet = ClassUNet()) new ClassConditionalPipeline(unet, Ddim, nullClass: 4).Save(Path.Combine(run, "model"));
        using var loaded = DiffusionPipeline.Load(run);
        Assert.IsType<ClassConditionalPipeline>(loaded);
    }

    [Fact]
    public void A_pipeline_class_it_does_not_know_is_refused_naming_the_ones_it_does()
    {
        var folder = _temp.File("unknown");
        manual_seed(1);
        using (var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 8))) new DdpmPipeline(unet, Ddim).Save(folder);
        var indexPath = Path.Combine(folder, "model_index.json");
        var index = JsonNode.Parse(File.ReadAllText(indexPath))!.AsObject();
        index["_class_name"] = "LDMPipeline";
        File.WriteAllText(indexPath, index.ToJsonString());
        var e = Assert.ThrowsAny<DiffuseException>(() => DiffusionPipeline.Load(folder));
        Assert.Contains("pipeline 'LDMPipeline' is not supported (supported: DDPMPipeline, DDIMPipeline, StableDiffusionPipeline, DiffuseClassConditionalPipeline", e.Message);
    }

    [Fact]
    public void Generate_with_guidance_is_the_visible_loop_with_classifier_free_guidance_and_clipped_ddim()
    {
        using var unet = ClassUNet();
        var pipeline = new ClassConditionalPipeline(unet, Ddim, nullClass: 4);
        using var result = pipeline.Generate(new GenerationOptions { Steps = 3, Classes = [1, 3], Count = 4, GuidanceScale = 3, Seed = 11 });
        Assert.Equal(2, result.Columns);   // one class a row, two samples each

        using var scope = NewDisposeScope();
        var generator = new Generator().manual_seed(11);
        var noise = randn([4, 1, 8, 8], generator: generator);
        using var scheduler = new DdimScheduler(Ddim) { UseClippedModelOutput = true };
        var guided = new ClassifierFreeGuidance(unet, new Conditioning { ClassLabels = tensor(new long[] { 1, 1, 3, 3 }) },
                                                new Conditioning { ClassLabels = tensor(new long[] { 4, 4, 4, 4 }) }, guidanceScale: 3);
        var expected = DenoisingLoop.Run(guided, scheduler, noise, 3, generator);
        Assert.True(result.Samples.eq(expected).all().item<bool>(), "Generate must be exactly the guided DDIM loop");
    }

    [Fact]
    public void Generate_stops_when_cancelled_between_steps()
    {
        using var unet = ClassUNet();
        var pipeline = new ClassConditionalPipeline(unet, Ddim, nullClass: 4);
        using var cancel = new CancellationTokenSource();
        int steps = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Generate(new GenerationOptions { Steps = 10, Count = 4 },
            _ => { if (++steps == 2) cancel.Cancel(); }, cancel.Token));
        Assert.Equal(2, steps);
    }

    [Fact]
    public void Options_are_checked_in_the_library_s_own_words()
    {
        using var unet = ClassUNet();
        var pipeline = new ClassConditionalPipeline(unet, Ddim, nullClass: 4);
        var e = Assert.Throws<DiffuseArgumentException>(() => pipeline.Generate(new GenerationOptions { Steps = 0 }));
        Assert.Equal(("steps", "must be positive (got 0)"), (e.ParameterName, e.Problem));
        e = Assert.Throws<DiffuseArgumentException>(() => pipeline.Generate(new GenerationOptions { Classes = [7] }));
        Assert.Equal("classes 7 is outside the model's classes 0..3", e.Message);
        e = Assert.Throws<DiffuseArgumentException>(() => pipeline.Generate(new GenerationOptions { Scheduler = "heun", Eta = 1 }));
        Assert.Equal("eta", e.ParameterName);
        e = Assert.Throws<DiffuseArgumentException>(() => pipeline.ImageToImage(zeros(1, 1, 8, 8), 0.5, new GenerationOptions { Classes = [1, 2] }));
        Assert.Equal("classes", e.ParameterName);
    }

    [Fact]
    public void An_unconditional_pipeline_refuses_classes_and_guidance()
    {
        manual_seed(5);
        using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 8));
        var pipeline = new DdpmPipeline(unet, Ddim);
        Assert.Equal("classes", Assert.Throws<DiffuseArgumentException>(() => pipeline.Generate(new GenerationOptions { Classes = [0] })).ParameterName);
        Assert.Equal("guidance_scale", Assert.Throws<DiffuseArgumentException>(() => pipeline.Generate(new GenerationOptions { GuidanceScale = 2 })).ParameterName);
        using var result = pipeline.Generate(new GenerationOptions { Steps = 2, Count = 3 });
        Assert.Equal(new long[] { 3, 1, 8, 8 }, result.Samples.shape);
        Assert.Null(result.Columns);
    }

    [Fact]
    public void A_super_resolution_pipeline_needs_an_image_and_checks_its_size()
    {
        manual_seed(6);
        using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 8, superresScale: 2));
        var pipeline = new SuperResolutionPipeline(unet, Ddim, scale: 2);
        Assert.False(pipeline.GeneratesFromNoise);
        Assert.Contains("cannot generate from noise", Assert.ThrowsAny<DiffuseException>(() => pipeline.Generate(new GenerationOptions())).Message);
        Assert.Equal("image", Assert.Throws<DiffuseArgumentException>(() => pipeline.Upscale(zeros(1, 1, 8, 8), new GenerationOptions())).ParameterName);
        using var upscaled = pipeline.Upscale(zeros(2, 1, 4, 4), new GenerationOptions { Steps = 2 });
        Assert.Equal(new long[] { 2, 1, 8, 8 }, upscaled.shape);
    }

    [Fact]
    public void Devices_are_named_as_pytorch_names_them_and_cuda_without_a_gpu_is_one_clear_error()
    {
        Assert.Equal(DeviceType.CPU, Devices.Parse("cpu").type);
        Assert.Equal(DeviceType.CPU, Devices.Parse(" CPU ").type);
        Assert.Equal("device", Assert.Throws<DiffuseArgumentException>(() => Devices.Parse("tpu")).ParameterName);
        Assert.Equal("device", Assert.Throws<DiffuseArgumentException>(() => Devices.Parse("cuda:x")).ParameterName);
        if (cuda.is_available()) return;   // the rest is about machines without CUDA, like this one
        var e = Assert.Throws<DiffuseArgumentException>(() => Devices.Parse("cuda:0"));
        Assert.Contains("is not available", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
