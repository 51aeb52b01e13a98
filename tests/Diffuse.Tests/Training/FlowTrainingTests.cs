using System.Text.Json;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Training;

namespace Diffuse.Tests.Training;

/// <summary>diffuse train with the DiT preset and the flow objective: exact resume, and a model folder the loader reads back.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class FlowTrainingTests
{
    static List<LossRecord> Losses(string run) =>
        File.ReadLines(Path.Combine(run, LossLog.FileName)).Select(l => JsonSerializer.Deserialize<LossRecord>(l)!).ToList();

    static TrainConfig Config(string model, string objective, bool conditional = false) => new()
    {
        Data = "fashion-mnist", Model = model, Objective = objective, SnrGamma = objective == TrainConfig.FlowObjective ? null : 5.0,
        Steps = 4, Batch = 4, WarmupSteps = 1, SampleEvery = 0, CheckpointEvery = 0, SampleCount = 2, SampleSteps = 2, Conditional = conditional,
    };

    [Theory]
    [InlineData("dit", "flow", false)]
    [InlineData("dit", "diffusion", true)]
    public void A_resumed_transformer_run_repeats_the_uninterrupted_losses(string model, string objective, bool conditional)
    {
        using var temp = new TempFolder();
        var config = Config(model, objective, conditional);
        var whole = new TrainingRun(temp.File("whole")).Start(config, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var first = new TrainingRun(temp.File("resumed"), p => { if (p.Step == 2) cancel.Cancel(); }).Start(config, cancel.Token);
        Assert.False(first.Finished);
        var resumed = new TrainingRun(temp.File("resumed")).Resume(null, CancellationToken.None);
        Assert.True(whole.Finished && resumed.Finished);
        var (expected, actual) = (Losses(temp.File("whole")), Losses(temp.File("resumed")));
        Assert.Equal(expected.Select(r => r.Step), actual.Select(r => r.Step));
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i].Loss - actual[i].Loss) <= 1e-5 * Math.Max(1, Math.Abs(expected[i].Loss)), $"step {expected[i].Step}: {expected[i].Loss} vs {actual[i].Loss}");
    }

    [Theory]
    [InlineData("dit", typeof(DiTPipeline), typeof(DiTTransformer2DModel))]
    [InlineData("tiny", typeof(DdpmPipeline), typeof(UNet2DModel))]
    public void A_flow_run_saves_a_folder_that_loads_with_the_flow_sampler(string model, Type pipelineType, Type networkType)
    {
        using var temp = new TempFolder();
        var outcome = new TrainingRun(temp.File("run")).Start(Config(model, TrainConfig.FlowObjective), CancellationToken.None);
        Assert.True(outcome.Finished);
        using var pipeline = DiffusionPipeline.Load(temp.File("run"));
        Assert.IsType(pipelineType, pipeline);
        Assert.IsType(networkType, pipeline.Network);
        Assert.Equal(FlowMatchEulerDiscreteScheduler.DiffusersClassName, pipeline.SchedulerConfig.ClassName);
        Assert.Equal(1.0, pipeline.SchedulerConfig.Shift);
        using var result = pipeline.Generate(new GenerationOptions { Steps = 2, Count = 3 });
        Assert.Equal([3L, 1, 28, 28], result.Samples.shape);
        Assert.Equal(FlowMatchEulerDiscreteScheduler.DiffusersClassName, result.Scheduler);
    }

    [Fact]
    public void An_unconditional_DiT_refuses_classes_and_guidance()
    {
        using var temp = new TempFolder();
        new TrainingRun(temp.File("run")).Start(Config("dit", TrainConfig.FlowObjective) with { Steps = 1 }, CancellationToken.None);
        using var pipeline = DiffusionPipeline.Load(temp.File("run"));
        Assert.Null(pipeline.ClassCount);
        Assert.Equal("classes", Assert.Throws<DiffuseArgumentException>(() => pipeline.Generate(new GenerationOptions { Steps = 1, Classes = [0] })).ParameterName);
        Assert.Equal("guidance_scale", Assert.Throws<DiffuseArgumentException>(() => pipeline.Generate(new GenerationOptions { Steps = 1, Count = 1, GuidanceScale = 3 })).ParameterName);
    }
}
