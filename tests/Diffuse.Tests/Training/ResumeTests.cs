using System.Text.Json;
using Diffuse.Training;

namespace Diffuse.Tests.Training;

[Collection(GlobalRngCollection.Name)]
public sealed class ResumeTests
{
    private static List<LossRecord> Losses(string run) =>
        File.ReadLines(Path.Combine(run, LossLog.FileName)).Select(l => JsonSerializer.Deserialize<LossRecord>(l)!).ToList();

    /// <summary>Runs to the end, cancelling once at <paramref name="stopAt"/> and resuming from the checkpoint it saves.</summary>
    private static TrainingOutcome RunInterrupted(TrainConfig config, string folder, int stopAt)
    {
        using var cancel = new CancellationTokenSource();
        var first = new TrainingRun(folder, p => { if (p.Step == stopAt) cancel.Cancel(); }).Start(config, cancel.Token);
        Assert.False(first.Finished);
        Assert.Equal(stopAt, first.Step);
        return new TrainingRun(folder).Resume(null, CancellationToken.None);
    }

    [Theory]
    [InlineData("moons", "default", 30, 13, "float32")]
    [InlineData("fashion-mnist", "tiny", 6, 3, "float32")]
    [InlineData("fashion-mnist", "tiny", 6, 3, "bfloat16")]
    public void A_resumed_run_repeats_the_uninterrupted_loss_sequence(string data, string model, int steps, int stopAt, string dtype)
    {
        using var temp = new TempFolder();
        var config = new TrainConfig
        {
            Data = data, Model = model, Steps = steps, Batch = 8, WarmupSteps = 2, SampleEvery = 0,
            CheckpointEvery = 0, SampleCount = 4, SampleSteps = 2, DType = dtype,
        };
        var whole = new TrainingRun(temp.File("whole")).Start(config, CancellationToken.None);
        var resumed = RunInterrupted(config, temp.File("resumed"), stopAt);

        Assert.True(whole.Finished && resumed.Finished);
        var expected = Losses(temp.File("whole"));
        var actual = Losses(temp.File("resumed"));
        Assert.Equal(expected.Select(r => r.Step), actual.Select(r => r.Step));
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i].Loss - actual[i].Loss) <= 1e-5 * Math.Max(1, Math.Abs(expected[i].Loss)),
                        $"step {expected[i].Step}: {expected[i].Loss} vs {actual[i].Loss}");
        Assert.True(File.Exists(Path.Combine(temp.File("resumed"), TrainingRun.FinalSamplesFile)));
    }

    [Fact]
    public void Starting_over_an_existing_run_is_refused_and_leaves_it_intact()
    {
        using var temp = new TempFolder();
        var config = new TrainConfig { Data = "moons", Steps = 3, Batch = 8, SampleEvery = 0, CheckpointEvery = 0, SampleSteps = 2 };
        new TrainingRun(temp.Path).Start(config, CancellationToken.None);
        var checkpoint = TrainingCheckpoint.Latest(temp.Path)!;
        var before = File.ReadAllBytes(Path.Combine(checkpoint, "trainer", "model.safetensors"));

        var error = Assert.ThrowsAny<DiffuseException>(() => new TrainingRun(temp.Path).Start(config, CancellationToken.None));
        Assert.Contains("resume it or choose another folder", error.Message);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(checkpoint, "trainer", "model.safetensors")));
    }

    [Fact]
    public void Resuming_a_folder_without_checkpoints_names_the_problem()
    {
        using var temp = new TempFolder();
        var error = Assert.ThrowsAny<DiffuseException>(() => new TrainingRun(temp.Path).Resume(null, CancellationToken.None));
        Assert.Contains("nothing to resume", error.Message);
    }
}
