using System.Diagnostics;
using Diffuse.Data;
using Diffuse.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary><c>diffuse train-classifier</c>: trains the feature network of <c>diffuse eval</c> and reports its test accuracy.</summary>
public sealed class TrainClassifierCommand(IAnsiConsole console) : Command<TrainClassifierSettings>
{
    private const int HeldOut = 1000;

    public override int Execute(CommandContext context, TrainClassifierSettings s, CancellationToken cancellationToken)
    {
        var trainer = new ClassifierTrainer { Epochs = s.Epochs, Batch = s.Batch, LearningRate = s.Lr, Seed = s.Seed };
        if (s.Epochs <= 0) throw new DiffuseException($"--epochs must be positive (got {s.Epochs})");
        if (s.Batch <= 0) throw new DiffuseException($"--batch must be positive (got {s.Batch})");
        if (!(s.Lr > 0)) throw new DiffuseException($"--lr must be positive (got {s.Lr})");

        using var data = LoadLabelled(s.Data, DatasetLoader.DefaultSize(s.Data), null);
        using var test = s.Test is null ? null : LoadLabelled(s.Test, data.Height, data.Channels);
        int testCount = test?.Count ?? (data.Count >= 5 * HeldOut ? HeldOut : data.Count / 5);
        int trainCount = test is null ? data.Count - testCount : data.Count;
        if (testCount < 1 || trainCount < 1) throw new DiffuseException($"{s.Data}: {data.Count} images are too few to train and test on");
        using var trainImages = data.Data.narrow(0, 0, trainCount);
        using var trainLabels = data.Labels!.narrow(0, 0, trainCount);
        using var testImages = test?.Data.alias() ?? data.Data.narrow(0, trainCount, testCount);
        using var testLabels = test?.Labels!.alias() ?? data.Labels!.narrow(0, trainCount, testCount);

        var config = new FashionClassifierConfig { InChannels = data.Channels, SampleSize = data.Height, NumClasses = ClassCount(data, test) };
        using var classifier = trainer.Create(config);
        var clock = Stopwatch.StartNew();
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: trainer.Epochs * trainer.StepsPerEpoch(trainCount));
                trainer.Train(classifier, trainImages, trainLabels, (step, total, loss) =>
                {
                    task.Value = step;
                    task.Description = $"step {step}/{total} loss {loss:F3}";
                });
            });
        double seconds = clock.Elapsed.TotalSeconds;
        double accuracy = ClassifierTrainer.Accuracy(classifier, testImages, testLabels);
        var metrics = new ClassifierMetrics
        {
            TestAccuracy = accuracy, TestCount = testCount,
            TestData = s.Test ?? $"{s.Data} (last {testCount} images, held out)",
            TrainData = s.Data, TrainCount = trainCount,
            Epochs = s.Epochs, Batch = s.Batch, LearningRate = s.Lr, Seed = s.Seed, TrainSeconds = Math.Round(seconds, 1),
        };
        ClassifierFolder.Save(s.Out, classifier, metrics.ToJson());
        console.MarkupLineInterpolated($"[green]done[/]: test accuracy {accuracy:P2} on {testCount} images; {trainCount} training images, {s.Epochs} epochs in {seconds:F0} s");
        console.MarkupLineInterpolated($"classifier: {s.Out}");
        return 0;
    }

    private static ImageDataset LoadLabelled(string path, int size, int? channels)
    {
        var dataset = DatasetLoader.Load(path, size, channels);
        if (dataset.Labels is not null) return dataset;
        dataset.Dispose();
        throw new DiffuseException($"{path}: has no labels; a classifier needs an IDX images file with its labels-idx1 file beside it, or a folder of class subfolders");
    }

    private static int ClassCount(ImageDataset data, ImageDataset? test)
    {
        long max = data.Labels!.max().item<long>();
        if (test is not null) max = Math.Max(max, test.Labels!.max().item<long>());
        return Math.Max(2, (int)max + 1);
    }
}
