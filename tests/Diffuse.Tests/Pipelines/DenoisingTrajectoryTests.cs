using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

public sealed class DenoisingTrajectoryTests
{
    [Theory]
    [InlineData(10, 2, new[] { 0, 9 })]
    [InlineData(10, 4, new[] { 0, 3, 6, 9 })]
    [InlineData(4, 3, new[] { 0, 2, 3 })]     // 1.5 rounds up
    [InlineData(5, 5, new[] { 0, 1, 2, 3, 4 })]
    public void Chosen_steps_are_evenly_spaced_with_the_first_and_the_last(int count, int keep, int[] expected) =>
        Assert.Equal(expected, DenoisingTrajectory.ChosenSteps(count, keep));

    [Fact]
    public void More_steps_than_the_loop_has_are_refused()
    {
        var e = Assert.ThrowsAny<DiffuseException>(() => DenoisingTrajectory.ChosenSteps(4, 5));
        Assert.Equal("trajectory_steps 5 is more than the 4 steps of the loop", e.Message);
    }

    [Fact]
    public void Strip_holds_x_t_then_x0_per_sample_and_its_last_x0_is_the_final_sample()
    {
        using var scope = NewDisposeScope();
        var config = new SchedulerConfig { BetaSchedule = "squaredcos_cap_v2" };
        using var ddim = new DdimScheduler(config);
        var gen = new Generator(seed: 11);
        var target = rand([1, 1, 4, 4], generator: gen) - 0.5f;
        var model = new ImageExactDenoiser(target, ddim.Schedule);
        var noise = randn([2, 1, 4, 4], generator: gen);
        using var trajectory = new DenoisingTrajectory(3);
        var samples = DenoisingLoop.Run(model, ddim, noise, 6, onStep: trajectory.Record);
        Assert.Equal(new[] { 0, 3, 5 }, trajectory.RecordedSteps);
        var strip = trajectory.Strip();
        Assert.Equal(new long[] { 2 * 6, 1, 4, 4 }, strip.shape);
        Assert.Equal(6, trajectory.Columns);
        for (int n = 0; n < 2; n++)
        {
            Assert.True(strip[n * 6].eq(noise[n]).all().item<bool>());                    // x_t of the first step: the starting noise
            Assert.True(strip[n * 6 + 5].eq(samples[n]).all().item<bool>());              // x̂_0 of the last step: the sample
            Assert.True(strip[n * 6 + 3].sub(target[0]).abs().max().item<float>() < 1e-5);   // the oracle's x̂_0
        }
        // x_t of the middle column enters loop step 3 (t = 332 of 830, 664, 498, 332, 166, 0). Under the oracle every
        // step keeps x̂₀ = target and ε = (x_830 − sqrt(ᾱ_830)·target)/sqrt(1 − ᾱ_830), so x_332 is the forward process.
        double a830 = ddim.Schedule.AlphaCumprodAt(830), a332 = ddim.Schedule.AlphaCumprodAt(332);
        var epsilon = (noise[0] - Math.Sqrt(a830) * target[0]) / Math.Sqrt(1 - a830);
        var expected = Math.Sqrt(a332) * target[0] + Math.Sqrt(1 - a332) * epsilon;
        Assert.True(strip[1].sub(expected).abs().max().item<float>() < 1e-5);
    }
}
