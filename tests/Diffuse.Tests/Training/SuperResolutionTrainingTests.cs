using static TorchSharp.torch;
using Diffuse.Schedules;
using Diffuse.Pipelines;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Training;

namespace Diffuse.Tests.Training;

[Collection(GlobalRngCollection.Name)]
public sealed class SuperResolutionTrainingTests
{
    [Fact]
    public void A_superres_run_saves_a_model_that_takes_twice_the_channels_and_names_its_scale()
    {
        using var temp = new TempFolder();
        var config = new TrainConfig
        {
            Data = "fashion-mnist", Model = ModelPresets.Tiny, Task = TrainConfig.SuperresTask, SuperresScale = 2,
            Steps = 2, Batch = 4, SampleEvery = 0, CheckpointEvery = 0, SampleSteps = 2, SampleCount = 4,
        };
        var outcome = new TrainingRun(temp.Path).Start(config, CancellationToken.None);
        Assert.True(outcome.Finished);
        Assert.True(File.Exists(outcome.SamplesFile));

        using var pipeline = DiffusionPipeline.Load(outcome.ModelFolder!);
        var superResolution = Assert.IsType<SuperResolutionPipeline>(pipeline);
        var unet = superResolution.UNet;
        Assert.Equal(2, unet.Config.InChannels);
        Assert.Equal(1, unet.Config.OutChannels);
        Assert.Equal(2, superResolution.Scale);
    }

    [Fact]
    public void A_scale_that_does_not_divide_the_image_size_is_refused()
    {
        var config = new TrainConfig { Task = TrainConfig.SuperresTask, SuperresScale = 3 };
        var error = Assert.ThrowsAny<DiffuseException>(() => TrainingSetup.Prepare(config));
        Assert.Contains("superres_scale 3 does not divide the image size 28", error.Message);
    }

    [Theory]
    [InlineData("generate", 2, "superres_scale applies to the superres task only")]
    [InlineData("superres", 1, "superres_scale must be 2 or more")]
    [InlineData("upsample", null, "task 'upsample' is unknown")]
    public void Task_and_scale_are_checked(string task, int? scale, string message)
    {
        var error = Assert.ThrowsAny<DiffuseException>(() => new TrainConfig { Task = task, SuperresScale = scale }.Validate());
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_superres_unet_whose_input_is_not_twice_its_output_is_refused()
    {
        manual_seed(0);
        using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28, superresScale: 2) with { InChannels = 1 });
        var error = Assert.ThrowsAny<DiffuseException>(() => new SuperResolutionPipeline(unet, new SchedulerConfig(), scale: 2));
        Assert.Contains("in_channels must be 2·out_channels", error.Message);
    }
}
