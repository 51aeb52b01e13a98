using System.Diagnostics;
using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Bench;

/// <summary>Wraps a model and adds up the wall time spent inside it, so the loop's own cost is the rest.</summary>
public sealed class TimedDenoiser(IDenoiser inner) : IDenoiser
{
    private readonly Stopwatch _clock = new();

    public TimeSpan Elapsed => _clock.Elapsed;

    public int Calls { get; private set; }

    public void Reset()
    {
        _clock.Reset();
        Calls = 0;
    }

    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        _clock.Start();
        var output = inner.Predict(sample, timesteps, conditioning);
        _clock.Stop();
        Calls++;
        return output;
    }
}
