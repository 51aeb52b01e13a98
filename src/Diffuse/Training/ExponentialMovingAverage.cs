using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// An exponential moving average of a model's weights, kept in a second model of the same shape.
/// The decay warms up as 1 − (1 + step)^−power, capped at <c>maxDecay</c> (diffusers' EMAModel with
/// use_ema_warmup, inv_gamma 1): early on the average follows the fast-changing weights closely,
/// later it smooths over thousands of steps. Power 2/3 suits short runs, 3/4 long ones.
/// </summary>
public sealed class ExponentialMovingAverage
{
    private readonly TorchSharp.Modules.Parameter[] _source;
    private readonly TorchSharp.Modules.Parameter[] _average;
    private readonly double _power;
    private readonly double _maxDecay;

    public ExponentialMovingAverage(nn.Module source, nn.Module average, double power, double maxDecay)
    {
        _source = source.parameters().ToArray();
        _average = average.parameters().ToArray();
        if (_source.Length != _average.Length) throw new ArgumentException("EMA model does not match the trained model");
        _power = power;
        _maxDecay = maxDecay;
    }

    public double DecayAt(int step) => Math.Clamp(1 - Math.Pow(1 + step, -_power), 0.0, _maxDecay);

    /// <summary>average ← decay · average + (1 − decay) · weights, after optimiser step <paramref name="step"/>.</summary>
    public void Update(int step)
    {
        double weight = 1 - DecayAt(step);
        using var noGrad = no_grad();
        for (int i = 0; i < _source.Length; i++) _average[i].lerp_(_source[i], weight);
    }
}
