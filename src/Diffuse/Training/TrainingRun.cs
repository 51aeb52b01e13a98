using System.Diagnostics;
using Diffuse.Formats;
using Diffuse.Folders;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// A whole training run in an output folder: the step loop, the loss log, preview grids and
/// checkpoints along the way, and the final model. Resuming picks up the newest checkpoint and
/// continues as if never stopped. Cancellation (Ctrl-C) ends the current step, saves a checkpoint
/// and returns.
/// </summary>
public sealed class TrainingRun
{
    public const string FinalModelFolder = "model";
    public const string SamplesFolder = "samples";
    public const string FinalSamplesFile = "samples.png";
    public const string LossPlotFile = "loss.png";

    private readonly string _out;
    private readonly Action<TrainingProgress>? _onProgress;
    private readonly Action<string>? _onEvent;
    private readonly Device? _device;

    /// <param name="device">where the networks train (default: the CPU); checkpoints resume on any device.</param>
    public TrainingRun(string outFolder, Action<TrainingProgress>? onProgress = null, Action<string>? onEvent = null, Device? device = null)
    {
        _out = outFolder;
        _device = device;
        _onProgress = onProgress;
        _onEvent = onEvent;
    }

    /// <summary>Starts a new run; refuses a folder that already holds one, so nothing is overwritten.</summary>
    public TrainingOutcome Start(TrainConfig config, CancellationToken cancel)
    {
        config.Validate();
        if (TrainingCheckpoint.Latest(_out) is { } existing)
            throw new DiffuseException($"'{_out}' already holds a training run ({Path.GetFileName(existing)}); resume it or choose another folder");
        Directory.CreateDirectory(_out);
        return Run(config, checkpoint: null, cancel);
    }

    /// <summary>Continues the newest checkpoint in the folder, optionally to a new total step count.</summary>
    public TrainingOutcome Resume(int? steps, CancellationToken cancel)
    {
        var latest = TrainingCheckpoint.Latest(_out)
                     ?? throw new DiffuseException($"nothing to resume: '{_out}' holds no {TrainingCheckpoint.Prefix}* folder");
        var config = TrainingCheckpoint.ReadConfig(latest);
        if (steps is int s) config = config with { Steps = s };
        config.Validate();
        return Run(config, latest, cancel);
    }

    private TrainingOutcome Run(TrainConfig config, string? checkpoint, CancellationToken cancel)
    {
        FolderSwap.CleanUp(_out);
        var plan = TrainingSetup.Prepare(config);
        var data = plan.Data;
        using var trainer = new Trainer(config, plan, _device);
        double previousSeconds = 0;
        if (checkpoint is not null)
        {
            previousSeconds = TrainingCheckpoint.Restore(trainer, checkpoint);
            _onEvent?.Invoke($"resumed from {Path.GetFileName(checkpoint)} at step {trainer.Step}");
        }
        if (trainer.Step > config.Steps)
            throw new DiffuseArgumentException("steps", $"is {config.Steps}, but the checkpoint is already at step {trainer.Step}");

        using var log = LossLog.Open(_out, trainer.Step);
        var previews = new TrainingPreviews(_out, trainer, data);
        var clock = Stopwatch.StartNew();
        double Seconds() => previousSeconds + clock.Elapsed.TotalSeconds;
        double smoothed = log.Records.Count > 0 ? log.Records[^1].Loss : double.NaN;
        int lastCheckpoint = trainer.Step;
        int firstStep = trainer.Step;

        while (trainer.Step < config.Steps && !cancel.IsCancellationRequested)
        {
            double lr = trainer.LearningRate;
            double loss = trainer.TrainStep();
            if (!double.IsFinite(loss))
                throw new DiffuseException($"the loss became {loss} at step {trainer.Step}; lower the learning rate (now {config.LearningRate}) or resume from the last checkpoint");
            smoothed = double.IsNaN(smoothed) ? loss : 0.98 * smoothed + 0.02 * loss;
            log.Add(new LossRecord(trainer.Step, loss, lr, Seconds()));
            _onProgress?.Invoke(new TrainingProgress(trainer.Step, config.Steps, loss, smoothed, lr, Seconds()));

            if (config.SampleEvery > 0 && trainer.Step % config.SampleEvery == 0 && trainer.Step < config.Steps)
                previews.Write(log.Records);
            if (config.CheckpointEvery > 0 && trainer.Step % config.CheckpointEvery == 0 && trainer.Step < config.Steps)
            {
                SaveCheckpoint(trainer, config, Seconds());
                lastCheckpoint = trainer.Step;
            }
        }

        bool finished = trainer.Step >= config.Steps;
        string? saved = null;
        if (trainer.Step != lastCheckpoint || checkpoint is null) saved = SaveCheckpoint(trainer, config, Seconds());
        string? model = null;
        if (finished)
        {
            model = Path.Combine(_out, FinalModelFolder);
            FolderSwap.Write(model, trainer.SaveModel);
            previews.Write(log.Records, final: true);
            _onEvent?.Invoke($"model saved to {model}");
        }
        return new TrainingOutcome(trainer.Step, trainer.Step - firstStep, config.Batch, finished, saved ?? TrainingCheckpoint.Latest(_out), model,
                                   Path.Combine(_out, FinalSamplesFile), Seconds(), clock.Elapsed.TotalSeconds,
                                   log.Records.Count > 0 ? log.Records[^1].Loss : double.NaN);
    }

    private string SaveCheckpoint(Trainer trainer, TrainConfig config, double seconds)
    {
        var folder = TrainingCheckpoint.Save(trainer, _out, seconds);
        TrainingCheckpoint.Prune(_out, config.CheckpointsKept);
        _onEvent?.Invoke($"checkpoint saved: {folder}");
        return folder;
    }
}
