using Diffuse.Training;

namespace Diffuse.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0, 1e-4)]        // first warm-up step: peak · 1/10
    [InlineData(9, 1e-3)]        // last warm-up step reaches the peak
    [InlineData(10, 1e-3)]       // cosine starts at the peak
    [InlineData(55, 5e-4)]       // half-way through the decay: peak / 2
    [InlineData(100, 0.0)]       // the end
    public void Warmup_then_cosine_follows_the_closed_form(int step, double expected)
    {
        Assert.Equal(expected, LearningRateSchedule.At(step, totalSteps: 100, peak: 1e-3, warmupSteps: 10), 12);
    }

    [Fact]
    public void Cosine_decays_to_the_floor_ratio()
    {
        Assert.Equal(1e-4, LearningRateSchedule.At(100, 100, 1e-3, 10, minRatio: 0.1), 12);
    }
}
