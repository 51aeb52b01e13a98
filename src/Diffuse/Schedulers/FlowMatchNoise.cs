using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>The forward process of rectified flow at a sampler's entry: x_σ = σ·ε + (1 − σ)·x₀ (diffusers' <c>scale_noise</c>).</summary>
static class FlowMatchNoise
{
    public static Tensor ScaleNoise(Tensor x0, Tensor noise, IReadOnlyList<float> sigmas, int count, int index)
    {
        PartWayNoise.CheckIndex(index, count);
        if (index == count) return x0.clone();
        using var scope = NewDisposeScope();
        var sigma = SchedulerChecks.Scalar(sigmas[index]).to(x0.dtype);
        return (sigma * noise + (1.0 - sigma) * x0).MoveToOuterDisposeScope();
    }
}
