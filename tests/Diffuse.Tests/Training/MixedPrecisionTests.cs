using Diffuse.Models;
using Diffuse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Training;

[Collection(GlobalRngCollection.Name)]
public sealed class MixedPrecisionTests
{
    private static UNet2DConfig Tiny => ModelPresets.UNet(ModelPresets.Tiny, 1, 8);

    private static UNet2DModel Seeded()
    {
        manual_seed(3);
        return new UNet2DModel(Tiny);
    }

    [Fact]
    public void The_copy_holds_the_master_weights_rounded_to_bfloat16()
    {
        using var master = Seeded();
        using var mixed = new MixedPrecision(master, () => new UNet2DModel(Tiny), ScalarType.BFloat16);
        using (no_grad())
            foreach (var p in master.parameters()) p.add_(0.01);   // a changed master reaches the copy on the next load
        mixed.LoadWeights();

        var masters = master.parameters().ToArray();
        var copies = mixed.Network.parameters().ToArray();
        Assert.Equal(masters.Length, copies.Length);
        for (int i = 0; i < masters.Length; i++)
        {
            Assert.Equal(ScalarType.BFloat16, copies[i].dtype);
            Assert.True(copies[i].eq(masters[i].to(ScalarType.BFloat16)).all().item<bool>(), $"parameter {i} is not the rounded master");
        }
    }

    [Fact]
    public void Gradients_reach_the_float32_master_and_match_float32_ones_to_bfloat16_precision()
    {
        using var master = Seeded();
        using var reference = Seeded();
        using var mixed = new MixedPrecision(master, () => new UNet2DModel(Tiny), ScalarType.BFloat16);
        manual_seed(4);
        using var x = randn(4, 1, 8, 8);
        using var target = randn(4, 1, 8, 8);
        using var t = tensor(new long[] { 1, 200, 500, 999 });

        using (var scope = NewDisposeScope())
        {
            var output = mixed.Predict(x, t, Conditioning.None);
            Assert.Equal(ScalarType.Float32, output.dtype);
            (output - target).square().mean().backward();
            mixed.StoreGradients();
            (reference.Predict(x, t) - target).square().mean().backward();
        }

        var masters = master.parameters().ToArray();
        var references = reference.parameters().ToArray();
        Assert.All(mixed.Network.parameters(), p => Assert.Null(p.grad));   // the copy's gradients are handed over
        double worst = 0;
        for (int i = 0; i < masters.Length; i++)
        {
            var grad = masters[i].grad!;
            Assert.Equal(ScalarType.Float32, grad.dtype);
            var expected = references[i].grad!;
            double scale = expected.norm().item<float>();
            if (scale == 0) continue;
            worst = Math.Max(worst, (grad - expected).norm().item<float>() / scale);
        }
        // bfloat16 keeps 8 significant bits (relative rounding 2⁻⁹ ≈ 0.002 a value); through a few layers the
        // gradients stay within a few per cent of float32's, far from the 100 % of a wrong or missing gradient.
        Assert.InRange(worst, 1e-4, 0.08);
    }

    [Fact]
    public void Float16_is_refused_with_the_reason()
    {
        using var master = Seeded();
        var error = Assert.Throws<DiffuseException>(() => new MixedPrecision(master, () => new UNet2DModel(Tiny), ScalarType.Float16));
        Assert.Contains("loss scaling", error.Message);
    }

    [Theory]
    [InlineData("float16", "float16 would need loss scaling")]
    [InlineData("int8", "expected float32 or bfloat16")]
    public void A_training_dtype_other_than_float32_or_bfloat16_is_refused(string dtype, string expected)
    {
        var error = Assert.Throws<DiffuseArgumentException>(() => new TrainConfig { DType = dtype }.Validate());
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Bfloat16_training_follows_the_float32_loss_curve()
    {
        // The same seeded run in both types: bfloat16 rounding changes the trajectory a little, not its course.
        double[] Losses(string dtype)
        {
            var config = new TrainConfig { Data = "fashion-mnist", Model = ModelPresets.Tiny, ImageSize = 8, Steps = 40, Batch = 16, DType = dtype };
            using var trainer = new Trainer(config, TrainingSetup.Prepare(config));
            return Enumerable.Range(0, config.Steps).Select(_ => trainer.TrainStep()).ToArray();
        }
        var float32 = Losses("float32");
        var bfloat16 = Losses("bfloat16");
        Assert.Equal(float32[0], bfloat16[0], 0.02);                      // the same first batch, rounded weights
        Assert.NotEqual(float32[^1], bfloat16[^1]);                       // it really ran in another type
        double early = float32[..5].Average(), late32 = float32[^10..].Average(), late16 = bfloat16[^10..].Average();
        Assert.True(late32 < 0.7 * early && late16 < 0.7 * early, $"both must learn: {early} → {late32} / {late16}");
        Assert.True(Math.Abs(late16 - late32) < 0.15 * late32, $"last 10 losses: float32 {late32}, bfloat16 {late16}");
    }
}
