using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

public sealed class DdimInversionTests
{
    // An "image" x₀ in (−0.8, 0.8) (nothing clipped) and a noise direction e orthogonal to it, [1, 1, 4, 4].
    static (Tensor X0, Tensor E) Pair(int seed)
    {
        var gen = new Generator(seed: (ulong)seed);
        var x0 = rand([1, 4, 4], generator: gen) * 1.6f - 0.8f;
        var e = randn([1, 4, 4], generator: gen);
        e -= (e * x0).sum() / x0.square().sum() * x0;
        return (x0, e);
    }

    static SchedulerConfig Config(string prediction = "epsilon", string schedule = "squaredcos_cap_v2") =>
        new() { PredictionType = prediction, BetaSchedule = schedule };

    [Theory]
    [InlineData("epsilon", 10)]
    [InlineData("epsilon", 50)]
    [InlineData("v_prediction", 10)]
    [InlineData("v_prediction", 50)]
    public void Inversion_lands_on_the_forward_process_at_the_first_ddim_timestep(string prediction, int steps)
    {
        using var scope = NewDisposeScope();
        var (x0, e) = Pair(1);
        var model = new PlaneDenoiser(x0, e, PredictionTypes.Parse(prediction));
        var noise = DdimInversion.Invert(model, Config(prediction), x0.unsqueeze(0), steps);
        // x_T = sqrt(ᾱ_T')·x₀ + sqrt(1 − ᾱ_T')·e, T' = 1000 − 1000/steps (leading spacing).
        using var schedule = NoiseSchedule.FromConfig(Config(prediction));
        double alphaBar = schedule.AlphaCumprodAt(1000 - 1000 / steps);
        var expected = Math.Sqrt(alphaBar) * x0 + Math.Sqrt(1 - alphaBar) * e;
        Assert.True(noise.squeeze(0).sub(expected).abs().max().item<float>() < 1e-5);
    }

    [Theory]
    [InlineData("epsilon")]
    [InlineData("sample")]
    [InlineData("v_prediction")]
    public void Inversion_then_ddim_returns_the_image(string prediction)
    {
        using var scope = NewDisposeScope();
        var (x0, e) = Pair(2);
        var model = new PlaneDenoiser(x0, e, PredictionTypes.Parse(prediction));
        var image = x0.unsqueeze(0);
        var noise = DdimInversion.Invert(model, Config(prediction), image, 20);
        Assert.True(noise.sub(image).abs().max().item<float>() > 0.5);   // it did go somewhere
        var back = DdimInversion.Reconstruct(model, Config(prediction), noise, 20);
        Assert.True(back.sub(image).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void The_model_is_told_the_timestep_of_the_forward_step_each_inverse_step_undoes()
    {
        // ε depends on the timestep the model is told only. Forward DDIM calls it at t from the level t; the inverse
        // step at t must call it at t too (from the level t − T//n) to undo that step exactly.
        using var scope = NewDisposeScope();
        var (x0, e) = Pair(3);
        // (x̂₀ then leaves [−1, 1] on the way, so clipping is off: it would cut both directions differently.)
        var model = new PlaneDenoiser(x0, e, PredictionType.Epsilon, (t, _) => 1 + t / 500);
        var config = Config() with { ClipSample = false };
        var image = x0.unsqueeze(0);
        var noise = DdimInversion.Invert(model, config, image, 10);
        var back = DdimInversion.Reconstruct(model, config, noise, 10);
        Assert.True(back.sub(image).abs().max().item<float>() < 1e-5, $"{back.sub(image).abs().max().item<float>()}");
    }

    [Fact]
    public void Class_labels_reach_the_model_in_both_directions()
    {
        using var scope = NewDisposeScope();
        var (x0, e) = Pair(4);
        var model = new PlaneDenoiser(x0, e, PredictionType.Epsilon,
            (_, label) => label is long k ? 1 + k : throw new InvalidOperationException("no class label"));
        var images = cat([x0.unsqueeze(0), x0.unsqueeze(0)]);
        var labels = tensor(new long[] { 0, 2 });
        var noise = DdimInversion.Invert(model, Config(), images, 10, new Conditioning { ClassLabels = labels });
        using var schedule = NoiseSchedule.FromConfig(Config());
        double alphaBar = schedule.AlphaCumprodAt(900);
        var expected = Math.Sqrt(alphaBar) * x0 + Math.Sqrt(1 - alphaBar) * 3 * e;   // class 2: ε = 3e
        Assert.True(noise[1].sub(expected).abs().max().item<float>() < 1e-5);
        var back = DdimInversion.Reconstruct(model, Config(), noise, 10, new Conditioning { ClassLabels = labels });
        Assert.True(back.sub(images).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Single_image_oracle_round_trip_returns_the_image()
    {
        // The ideal denoiser of a one-image data set predicts x̂₀ = the image from any x_t, so this checks the decoding
        // half (DDIM with η = 0 through the loop, ᾱ = 1 at the end) on a 50-step round trip.
        using var scope = NewDisposeScope();
        var (x0, _) = Pair(5);
        var image = x0.unsqueeze(0);
        using var schedule = NoiseSchedule.FromConfig(Config());
        var oracle = new ImageExactDenoiser(image, schedule);
        var noise = DdimInversion.Invert(oracle, Config(), image, 50);
        var back = DdimInversion.Reconstruct(oracle, Config(), noise, 50);
        Assert.True(back.sub(image).abs().max().item<float>() < 1e-5);
    }
}
