using System.Diagnostics;
using System.Text.Json;
using Diffuse.IO;
using Diffuse.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Bench;

/// <summary>
/// Training-step and forward times of the UNet configs in ../shared/perf/pytorch-cpu.md, measured the
/// same way: batch 64 of 1×32×32, float32; train step = zero_grad + forward + MSE against a random
/// target + backward + Adam(lr 1e-4) step in train mode; forward in eval mode without grad;
/// median of 10 timed calls after 3 warm-ups.
/// </summary>
public static class UNetSpeed
{
    public sealed record Row(string Model, long Parameters, double TrainStepMs, double ForwardMs, double TrainImagesPerSecond, double ForwardImagesPerSecond);

    public static UNet2DConfig Config(int[] channels, int layers, bool attention, int size = 32) => new()
    {
        SampleSize = size, InChannels = 1, OutChannels = 1, BlockOutChannels = channels, LayersPerBlock = layers,
        DownBlockTypes = channels.Select(_ => "DownBlock2D").ToArray(), UpBlockTypes = channels.Select(_ => "UpBlock2D").ToArray(),
        NormNumGroups = 8, AddAttention = attention,
    };

    public static Row Measure(string name, UNet2DConfig config, int batch = 64, int warmups = 3, int runs = 10)
    {
        manual_seed(0);
        using var model = new UNet2DModel(config);
        long parameters = model.parameters().Sum(p => p.numel());
        using var optimizer = optim.Adam(model.parameters(), 1e-4);
        using var x = randn(batch, config.InChannels, config.SampleSize, config.SampleSize);
        using var target = randn(batch, config.OutChannels, config.SampleSize, config.SampleSize);
        using var t = randint(0, 1000, [batch]);

        model.train();
        double train = Median(warmups, runs, () =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x, t), target);
            loss.backward();
            optimizer.step();
        });
        model.eval();
        double forward = Median(warmups, runs, () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.forward(x, t);
        });
        return new Row(name, parameters, train, forward, batch * 1000 / train, batch * 1000 / forward);
    }

    private static double Median(int warmups, int runs, Action call)
    {
        for (int i = 0; i < warmups; i++) call();
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            call();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times[runs / 2 - 1] + times[runs / 2]) / 2;   // median of an even count, as numpy's
    }

    public static void Write(IReadOnlyList<Row> rows, string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
