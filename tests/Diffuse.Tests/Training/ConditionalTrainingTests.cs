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

        var (model, _) = PipelineFolder.Load(outcome.ModelFolder!);
        using var _model = model;
        var unet = Assert.IsType<UNet2DModel>(model);
        Assert.Equal(11, unet.Config.NumClassEmbeds);
        Assert.Equal(10, unet.Config.NullClass);
        Assert.True(unet.IsClassConditional);
    }

    [Fact]
    public void Conditioning_on_unlabelled_data_is_refused()
    {
        var error = Assert.Throws<DiffuseException>(() => TrainingSetup.Prepare(new TrainConfig { Data = "moons", Conditional = true }));
        Assert.Contains("--conditional", error.Message);
    }

    [Fact]
    public void A_null_class_outside_the_embeddings_is_a_config_error()
    {
        var config = ModelPresets.UNet(ModelPresets.Tiny, 1, 28, numClasses: 10) with { NullClass = 11 };
        var error = Assert.Throws<DiffuseException>(() => config.Validate());
        Assert.Contains("null_class", error.Message);
    }
}
