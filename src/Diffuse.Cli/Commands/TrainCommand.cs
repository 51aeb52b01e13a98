using System.Runtime.InteropServices;
using Diffuse.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

/// <summary><c>diffuse train</c>: trains a model with a progress bar; Ctrl-C saves a checkpoint and stops.</summary>
public sealed class TrainCommand(IAnsiConsole console) : Command<TrainSettings>
{
    public override int Execute(CommandContext context, TrainSettings s, CancellationToken cancellationToken)
    {
        using var interrupt = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(interrupt.Token, cancellationToken);
        // Ctrl-C (SIGINT) and SIGTERM (kill, a container stop) end the current step, save a checkpoint and exit.
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            interrupt.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        TrainingOutcome outcome = null!;
        var device = Runtime.Devices.Parse(s.Device ?? "cpu");
        TrainConfig? config = s.Resume ? null : BuildConfig(s, device);
        config?.Validate();
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                // The task appears with the first step: a bar drawn while the data loads would print a
                // "training: 0%" line before a data error, which must stay the only line.
                ProgressTask? task = null;
                int firstStep = 0;
                var clock = new System.Diagnostics.Stopwatch();
                var run = new TrainingRun(s.Out, p =>
                {
                    if (task is null)
                    {
                        task = ctx.AddTask("training", autoStart: true, maxValue: p.TotalSteps);
                        firstStep = p.Step;
                        clock.Start();
                    }
                    task.MaxValue = p.TotalSteps;
                    task.Value = p.Step;
                    // The rate of this session: a resumed run's earlier steps took their time elsewhere.
                    double rate = p.Step == firstStep ? 0 : (p.Step - firstStep) / clock.Elapsed.TotalSeconds;
                    task.Description = $"step {p.Step}/{p.TotalSteps} loss {p.SmoothedLoss:F4} lr {p.LearningRate:E1} {rate:F2} it/s";
                }, message => console.MarkupLineInterpolated($"[grey]{message}[/]"), device);
                outcome = config is null ? run.Resume(s.Steps, linked.Token) : run.Start(config, linked.Token);
            });
        return Report(outcome, s, outcome.Batch);
    }

    private int Report(TrainingOutcome outcome, TrainSettings s, int batch)
    {
        if (!outcome.Finished)
        {
            console.MarkupLineInterpolated($"[yellow]interrupted at step {outcome.Step}[/]; checkpoint {outcome.Checkpoint}; continue with: diffuse train --out {s.Out} --resume");
            return 130;
        }
        double stepsPerSecond = outcome.SessionSteps / Math.Max(outcome.SessionSeconds, 1e-9);
        console.MarkupLineInterpolated($"[green]done[/]: {outcome.Step} steps; this session {outcome.SessionSteps} steps in {outcome.SessionSeconds:F0} s ({stepsPerSecond:F2} steps/s, {stepsPerSecond * batch:F0} examples/s); {outcome.TotalSeconds:F0} s in all; last loss {outcome.LastLoss:F4}");
        console.MarkupLineInterpolated($"model: {outcome.ModelFolder}   samples: {outcome.SamplesFile}   loss curve: {Path.Combine(s.Out, TrainingRun.LossPlotFile)}");
        return 0;
    }

    /// <summary>
    /// bfloat16 mixed precision for an image model trained on a CPU that multiplies bfloat16 natively (1.5–2× the steps
    /// a second of float32, docs/benchmarks.md); float32 elsewhere, and for 2-D toy sets, autoencoders and text-to-image
    /// runs, whose recipes were measured in float32.
    /// </summary>
    private static string DefaultDType(TrainSettings s, TorchSharp.torch.Device device, TrainConfig defaults) =>
        device.type == TorchSharp.DeviceType.CPU && Runtime.CpuFeatures.HasNativeBFloat16 && !Data.Toy2D.IsToyName(s.Data)
        && s.Task is TrainConfig.GenerateTask or TrainConfig.SuperresTask ? "bfloat16" : defaults.DType;

    /// <summary>
    /// Flow matching for an unconditional image model with no <c>--prediction</c> (the first command): at its budget it
    /// beat every diffusion recipe measured (docs/evaluation.md, "The first command's recipe"), and its Euler sampler
    /// is DDIM's step for it. Diffusion otherwise: class guidance, super-resolution, text-to-image and 2-D toy sets were
    /// measured with a β schedule.
    /// </summary>
    private static string DefaultObjective(TrainSettings s, TrainConfig defaults) =>
        s.Prediction is null && !s.Conditional && s.Vae is null && s.Task == TrainConfig.GenerateTask && !Data.Toy2D.IsToyName(s.Data)
            ? TrainConfig.FlowObjective : defaults.Objective;

    public static TrainConfig BuildConfig(TrainSettings s, TorchSharp.torch.Device device)
    {
        var d = TrainConfig.ForData(s.Data);
        string objective = s.Objective ?? DefaultObjective(s, d);
        return d with
        {
            Model = s.Preset,
            Steps = s.Steps ?? d.Steps,
            Batch = s.Batch ?? d.Batch,
            LearningRate = s.Lr ?? d.LearningRate,
            WarmupSteps = s.Warmup ?? d.WarmupSteps,
            MinLrRatio = s.MinLrRatio ?? d.MinLrRatio,
            BetaSchedule = s.Schedule ?? d.BetaSchedule,
            PredictionType = s.Prediction ?? d.PredictionType,
            // Min-SNR weights a β schedule's timesteps; a flow run weights by its weighting scheme instead.
            SnrGamma = s.SnrGamma is double g ? (g == 0 ? null : g) : objective == TrainConfig.FlowObjective ? null : d.SnrGamma,
            Objective = objective,
            WeightingScheme = s.WeightingScheme ?? d.WeightingScheme,
            FlowShift = s.FlowShift ?? d.FlowShift,
            PreconditionOutputs = s.PreconditionOutputs,
            EmaPower = s.EmaPower ?? d.EmaPower,
            DType = s.DType ?? DefaultDType(s, device, d),
            ImageSize = s.ImageSize,
            Conditional = s.Conditional,
            Task = s.Task,
            SuperresScale = s.SuperresScale ?? (s.Task == TrainConfig.SuperresTask ? 2 : null),
            CondDrop = s.CondDrop ?? d.CondDrop,
            Vae = s.Vae,
            TextEncoder = s.TextEncoder,
            MaxLength = s.MaxLength ?? d.MaxLength,
            KlWeight = s.KlWeight ?? d.KlWeight,
            RandomFlip = d.RandomFlip && !s.NoFlip,
            Seed = s.Seed ?? d.Seed,
            SampleEvery = s.SampleEvery ?? d.SampleEvery,
            CheckpointEvery = s.CheckpointEvery ?? d.CheckpointEvery,
            SampleSteps = s.SampleSteps ?? d.SampleSteps,
        };
    }
}
