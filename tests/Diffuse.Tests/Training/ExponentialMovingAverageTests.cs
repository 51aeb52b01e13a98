using Diffuse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Training;

public sealed class ExponentialMovingAverageTests
{
    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(7, 0.75)]                    // 1 − 8^(−2/3) = 1 − 1/4
    [InlineData(999, 0.99)]                  // 1 − 1000^(−2/3) = 1 − 1/100
    [InlineData(10_000_000, 0.9999)]         // capped
    public void Decay_warms_up_as_one_minus_step_to_the_minus_power(int step, double expected)
    {
        using var a = nn.Linear(2, 2);
        using var b = nn.Linear(2, 2);
        var ema = new ExponentialMovingAverage(a, b, power: 2.0 / 3.0, maxDecay: 0.9999);
        Assert.Equal(expected, ema.DecayAt(step), 9);
    }

    [Fact]
    public void Update_moves_the_average_toward_the_weights_by_one_minus_decay()
    {
        using var model = nn.Linear(1, 1);
        using var average = nn.Linear(1, 1);
        using (no_grad())
        {
            model.weight!.fill_(1.0f);
            average.weight!.fill_(0.0f);
        }
        var ema = new ExponentialMovingAverage(model, average, power: 2.0 / 3.0, maxDecay: 0.9999);
        ema.Update(7);                                   // decay 0.75: 0.75·0 + 0.25·1
        Assert.Equal(0.25f, average.weight!.item<float>(), 6);
        ema.Update(7);                                   // 0.75·0.25 + 0.25·1
        Assert.Equal(0.4375f, average.weight!.item<float>(), 6);
    }
}
