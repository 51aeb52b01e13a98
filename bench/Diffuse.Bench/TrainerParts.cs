using System.Text.Json;
using Diffuse.Benchmarks;
using Diffuse.Formats;
using Diffuse.Models;
using Diffuse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Bench;

/// <summary>
/// Where a training step of a preset goes: the whole <see cref="Trainer.TrainStep"/>, and apart from it
/// the forward + backward of the network, gradient clipping, the AdamW step and the EMA update, each
/// timed alone on the same model size and batch. The parts left over (batch draw, noising, loss) are
/// the difference.
/// </summary>
public static class TrainerParts
{
    public sealed record Row(string Part, TimingStats Times);

    public static IReadOnlyList<Row> Run(string preset, int batch, int warmups, int repeats)
    {
        var rows = new List<Row>();
        using (var whole = UNetSpeed.TrainerStep(preset, 28, batch))
            rows.Add(new("whole Trainer.TrainStep", TimingStats.Measure(warmups, repeats, whole.Run)));

        manual_seed(0);
        var config = ModelPresets.UNet(preset, 1, 28);
        using var model = new UNet2DModel(config);
        using var average = new UNet2DModel(config);
        var parameters = model.parameters().ToArray();
        using var optimizer = optim.AdamW(parameters, 1e-3);
        var ema = new ExponentialMovingAverage(model, average, 2.0 / 3.0, 0.9999);
        using var x = randn(batch, 1, 28, 28);
        using var target = randn(batch, 1, 28, 28);
        using var t = randint(0, 1000, [batch]);
        model.train();
        void ForwardBackward()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            (model.forward(x, t) - target).square().mean().backward();
        }
        rows.Add(new("forward + backward", TimingStats.Measure(warmups, repeats, ForwardBackward)));
        ForwardBackward();   // gradients for the parts below
        rows.Add(new("clip_grad_norm_", TimingStats.Measure(warmups, repeats, () => nn.utils.clip_grad_norm_(parameters, 1.0))));
        rows.Add(new("AdamW step", TimingStats.Measure(warmups, repeats, () => optimizer.step())));
        int step = 0;
        rows.Add(new("EMA update (lerp_ per parameter)", TimingStats.Measure(warmups, repeats, () => ema.Update(step++))));
        return rows;
    }

    public static void Write(IReadOnlyList<Row> rows, string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
