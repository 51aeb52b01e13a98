using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

/// <summary>Passes calls on to another denoiser, counting them and keeping a copy of the first output.</summary>
public sealed class CountingDenoiser(IDenoiser inner) : IDenoiser, IDisposable
{
    public int Calls { get; private set; }

    public Tensor? FirstOutput { get; private set; }

    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        Calls++;
        var output = inner.Predict(sample, timesteps, conditioning);
        FirstOutput ??= output.detach().clone().DetachFromDisposeScope();
        return output;
    }

    public void Dispose() => FirstOutput?.Dispose();
}
