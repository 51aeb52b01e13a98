using Diffuse.Benchmarks;
using Diffuse.Training;

namespace Diffuse.Bench;

/// <summary>
/// Training steps per second of text-to-image recipes side by side: each a real <see cref="Trainer"/> on the same
/// captioned data (pixels, or latents of a frozen VAE), their steps alternated one by one after warm-ups, so that load
/// from other processes falls on every recipe alike. Wall and CPU time per step, medians.
/// </summary>
public static class TextToImageSteps
{
    public sealed record Row(string Recipe, TimingStats Times)
    {
        public double StepsPerSecond => 1000 / Times.MedianMs;
    }

    public static IReadOnlyList<Row> Run(IReadOnlyList<(string Name, TrainConfig Config)> recipes, int warmups, int rounds, Action<string>? log = null)
    {
        var trainers = recipes.Select(r => new Trainer(r.Config, TrainingSetup.Prepare(r.Config))).ToList();
        try
        {
            foreach (var trainer in trainers)
                for (int i = 0; i < warmups; i++) trainer.TrainStep();
            var wall = trainers.Select(_ => new List<double>()).ToArray();
            var cpu = trainers.Select(_ => new List<double>()).ToArray();
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < trainers.Count; k++)
                {
                    var (w, c) = TimingStats.TimeOnce(() => trainers[k].TrainStep());
                    wall[k].Add(w);
                    cpu[k].Add(c);
                }
                log?.Invoke($"round {round + 1}/{rounds}: " + string.Join(", ", recipes.Select((r, k) => $"{r.Name} {wall[k][^1]:F0} ms")));
            }
            return recipes.Select((r, k) => new Row(r.Name, TimingStats.From(wall[k], cpu[k]))).ToList();
        }
        finally
        {
            foreach (var trainer in trainers) trainer.Dispose();
        }
    }
}
