using System.Text.Json;
using Diffuse.Data;
using Diffuse.Pipelines;
using Diffuse.Training;

namespace Diffuse.Tests.Training;

/// <summary>Text-to-image training through the one Trainer: captions in, a loadable pipeline out, exact resume.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class TextToImageTrainingTests
{
    private static List<LossRecord> Losses(string run) =>
        File.ReadLines(Path.Combine(run, LossLog.FileName)).Select(l => JsonSerializer.Deserialize<LossRecord>(l)!).ToList();

    [Fact]
    public void A_resumed_text_to_image_run_repeats_the_uninterrupted_one_and_saves_a_pixel_pipeline()
    {
        using var temp = new TempFolder();
        var data = temp.File("colours");
        FashionColoursWriter.Write(DatasetLoader.FashionMnist, data, seed: 0, allPairs: false, limit: 24);
        var config = new TrainConfig
        {
            Task = TrainConfig.TextToImageTask, Data = data, Model = ModelPresets.Tiny, Steps = 4, Batch = 4, WarmupSteps = 1,
            SampleEvery = 0, CheckpointEvery = 0, SampleSteps = 2, ImageSize = 16, MaxLength = 8,
        };
        var whole = new TrainingRun(temp.File("whole")).Start(config, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var first = new TrainingRun(temp.File("resumed"), p => { if (p.Step == 2) cancel.Cancel(); }).Start(config, cancel.Token);
        Assert.False(first.Finished);
        var resumed = new TrainingRun(temp.File("resumed")).Resume(null, CancellationToken.None);
        Assert.True(whole.Finished && resumed.Finished);
        var expected = Losses(temp.File("whole"));
        var actual = Losses(temp.File("resumed"));
        Assert.Equal(expected.Select(r => r.Loss), actual.Select(r => r.Loss));

        using var a = Assert.IsType<StableDiffusionPipeline>(DiffusionPipeline.Load(whole.ModelFolder!));
        using var b = Assert.IsType<StableDiffusionPipeline>(DiffusionPipeline.Load(resumed.ModelFolder!));
        Assert.Equal(StableDiffusionPipeline.PixelClassName, a.ClassName);
        var options = new GenerationOptions { Prompt = "a pink ankle boot", Steps = 2, Count = 2, GuidanceScale = 3 };
        using var x = a.Generate(options);
        using var y = b.Generate(options);
        Assert.Equal([2L, 3, 16, 16], x.Samples.shape);
        Assert.True(x.Samples.equal(y.Samples).all().item<bool>());
        // The tokenizer learned from the captions ships in the model: each caption word is one token.
        Assert.Equal(["a</w>", "pink</w>", "ankle</w>", "boot</w>"], a.TextEncoder.Tokenizer.Tokenize("a pink ankle boot"));
    }

    [Fact]
    public void A_caption_longer_than_the_text_encoder_reads_is_an_error_not_a_cut()
    {
        using var temp = new TempFolder();
        var data = temp.File("colours");
        FashionColoursWriter.Write(DatasetLoader.FashionMnist, data, seed: 0, allPairs: false, limit: 4);
        var config = new TrainConfig { Task = TrainConfig.TextToImageTask, Data = data, Model = ModelPresets.Tiny, Steps = 1, Batch = 2, MaxLength = 4 };
        var error = Assert.ThrowsAny<DiffuseException>(() => new TrainingRun(temp.File("run")).Start(config, CancellationToken.None));
        Assert.Contains("more than the text encoder's 4", error.Message);
    }
}
