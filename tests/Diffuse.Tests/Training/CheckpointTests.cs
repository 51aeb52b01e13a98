using Diffuse.Formats;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Training;
using static TorchSharp.torch;

namespace Diffuse.Tests.Training;

[Collection(GlobalRngCollection.Name)]
public sealed class CheckpointTests
{
    [Fact]
    public void A_pipeline_folder_round_trips_weights_and_config_exactly()
    {
        using var temp = new TempFolder();
        var config = ModelPresets.UNet(ModelPresets.Tiny, 1, 28);
        manual_seed(1);
        using var model = new UNet2DModel(config);
        var scheduler = new Diffuse.Schedules.SchedulerConfig { ClassName = "DDPMScheduler", BetaSchedule = "squaredcos_cap_v2" };
        TestPipelines.Save(temp.Path, model, scheduler);

        var contents9 = PipelineFolder.Read(temp.Path); var loaded = contents9.Network; var loadedScheduler = contents9.Scheduler;
        using var _ = loaded;
        Assert.Equal(config.ToJson(), ((UNet2DModel)loaded).Config.ToJson());
        Assert.Equal("squaredcos_cap_v2", loadedScheduler.BetaSchedule);
        var expected = model.state_dict();
        foreach (var (key, value) in loaded.state_dict()) Assert.True(value.eq(expected[key]).all().item<bool>(), key);
    }

    [Fact]
    public void A_write_killed_half_way_leaves_the_previous_checkpoint_loadable()
    {
        using var temp = new TempFolder();
        var config = new TrainConfig { Data = "moons", Steps = 4, Batch = 8, SampleEvery = 0, CheckpointEvery = 2, SampleSteps = 2 };
        new TrainingRun(temp.Path).Start(config, CancellationToken.None);
        var good = TrainingCheckpoint.Latest(temp.Path)!;

        // A crash inside the write: files are half there, then the process "dies".
        Assert.Throws<IOException>(() => FolderSwap.Write(good, partial =>
        {
            File.WriteAllText(Path.Combine(partial, "model_index.json"), "{");
            throw new IOException("killed");
        }));
        // What a kill -9 leaves behind: a temp folder that no reader mistakes for a checkpoint.
        Directory.CreateDirectory(Path.Combine(temp.Path, "checkpoint-000006" + FolderSwap.TempMarker + "dead"));

        Assert.Equal(good, TrainingCheckpoint.Latest(temp.Path));
        var contents10 = PipelineFolder.Read(good); var model = contents10.Network;
        model.Dispose();
        var resumed = new TrainingRun(temp.Path).Resume(6, CancellationToken.None);
        Assert.Equal(6, resumed.Step);
        Assert.Empty(Directory.GetDirectories(temp.Path, "*" + FolderSwap.TempMarker + "*"));
    }
}
