using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// Runs a network in a narrower float type (bfloat16 or float16) while everything around it stays
/// float32: each prediction casts the float32 sample down, runs the converted network, and casts the
/// output back up, so the scheduler's arithmetic (and any guidance mix) keeps full precision. The
/// network is converted in place on construction. Rounding shows in the samples: see
/// docs/benchmarks.md for the measured difference to float32 and whether it is faster on a CPU.
/// </summary>
public sealed class ReducedPrecisionDenoiser : IDenoiser
{
    private readonly IDenoiser _inner;

    public ScalarType DType { get; }

    public ReducedPrecisionDenoiser(nn.Module model, ScalarType dtype)
    {
        if (model is not IDenoiser inner) throw new DiffuseException($"{model.GetType().Name} is not a denoising network");
        if (dtype is not (ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float32))
            throw new DiffuseException($"a model can run in float32, bfloat16 or float16, not {dtype}");
        model.to(dtype);
        _inner = inner;
        DType = dtype;
    }

    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        using var scope = NewDisposeScope();
        var output = _inner.Predict(sample.to(DType), timesteps, conditioning);
        return output.to(sample.dtype).MoveToOuterDisposeScope();
    }
}
