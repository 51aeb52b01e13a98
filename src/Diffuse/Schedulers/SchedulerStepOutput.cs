using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>The result of one reverse step: x_{t_prev} and the x_0 the model output implied at x_t.</summary>
public sealed record SchedulerStepOutput(Tensor PrevSample, Tensor PredOriginalSample) : IDisposable
{
    public void Dispose()
    {
        PrevSample.Dispose();
        PredOriginalSample.Dispose();
    }
}
