using static TorchSharp.torch;
using Diffuse.Schedules;
using Diffuse.Pipelines;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Training;

namespace Diffuse.Tests.Training;

[Collection(GlobalRngCollection.Name)]
public sealed class ConditionalTrainingTests
{
    [Fact]
    public void A_conditional_run_saves_ten_classes_plus_the_null_class()
    {
        using var temp = new TempFolder();
        var config = new TrainConfig
        {
            Data = "fashion-mnist", Model = ModelPresets.Tiny, Conditional = true, Steps = 3, Batch = 8,
            SampleEvery = 0, CheckpointEvery = 0, SampleSteps = 2,
        };
        var outcome = new TrainingRun(temp.Path).Start(config, CancellationToken.None);
        Assert.True(outcome.Finished);

        using var pipeline = DiffusionPipeline.Load(outcome.ModelFolder!);
        var classConditional = Assert.IsType<ClassConditionalPipeline>(pipeline);
        var unet = classConditional.UNet;
        Assert.Equal(11, unet.Config.NumClassEmbeds);
        Assert.Equal(10, classConditional.NullClass);
        Assert.True(unet.IsClassConditional);
    }

    [Fact]
    public void Conditioning_on_unlabelled_data_is_refused()
    {
        var error = Assert.ThrowsAny<DiffuseException>(() => TrainingSetup.Prepare(new TrainConfig { Data = "moons", Conditional = true }));
        Assert.Equal("conditional", Assert.IsType<DiffuseArgumentException>(error).ParameterName);
    }

    [Fact]
    public void A_null_class_outside_the_embeddings_is_refused()
    {
        manual_seed(0);
        using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28, numClasses: 10));
        var error = Assert.ThrowsAny<DiffuseException>(() => new ClassConditionalPipeline(unet, new SchedulerConfig(), nullClass: 11));
        Assert.Contains("null_class", error.Message);
    }
}
