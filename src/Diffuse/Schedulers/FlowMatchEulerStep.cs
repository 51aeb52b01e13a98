using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// One Euler step of the flow ODE from σ to σ': x_{σ'} = x_σ + (σ' − σ)·v, in float32, with x̂₀ = x_σ − σ·v (the end of
/// the straight line through x_σ). Down the σ grid it is flow_euler's step; up it, the inversion's.
/// </summary>
public static class FlowMatchEulerStep
{
    public static SchedulerStepOutput Take(Tensor velocity, Tensor sample, float sigma, float sigmaNext)
    {
        using var scope = NewDisposeScope();
        var x = sample.to(float32);
        var next = x + SchedulerChecks.Scalar(sigmaNext - sigma) * velocity;
        var predOriginal = x - velocity * SchedulerChecks.Scalar(sigma);
        return new SchedulerStepOutput(next.to(velocity.dtype).MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }
}
