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

        var (model, _) = PipelineFolder.Load(outcome.ModelFolder!);
        using var _model = model;
        var unet = Assert.IsType<UNet2DModel>(model);
        Assert.Equal(2, unet.Config.InChannels);
        Assert.Equal(1, unet.Config.OutChannels);
        Assert.Equal(2, unet.Config.SuperresScale);
    }

    [Fact]
    public void A_scale_that_does_not_divide_the_image_size_is_refused()
    {
        var config = new TrainConfig { Task = TrainConfig.SuperresTask, SuperresScale = 3 };
        var error = Assert.Throws<DiffuseException>(() => TrainingSetup.Prepare(config));
        Assert.Contains("--scale 3 does not divide the image size 28", error.Message);
    }

    [Theory]
    [InlineData("generate", 2, "--scale applies to --task superres only")]
    [InlineData("superres", 1, "--scale must be 2 or more")]
    [InlineData("upsample", null, "unknown --task 'upsample'")]
    public void Task_and_scale_are_checked(string task, int? scale, string message)
    {
        var error = Assert.Throws<DiffuseException>(() => new TrainConfig { Task = task, SuperresScale = scale }.Validate());
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_superres_config_whose_input_is_not_twice_its_output_is_refused()
    {
        var config = ModelPresets.UNet(ModelPresets.Tiny, 1, 28, superresScale: 2) with { InChannels = 1 };
        var error = Assert.Throws<DiffuseException>(() => config.Validate());
        Assert.Contains("superres_scale", error.Message);
    }
}
