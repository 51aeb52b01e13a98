using Diffuse.Models;
using Diffuse.Schedules;
using Diffuse.Tests.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

/// <summary>
/// <see cref="ExactDenoiser"/> for images: the ideal ε-prediction when the data set is the single image
/// <paramref name="target"/> ([1, C, H, W]). Pixels are independent under it, so it checks the noise levels and
/// pasting, not how well the filled region blends in.
/// </summary>
public sealed class ImageExactDenoiser(Tensor target, NoiseSchedule schedule) : IDenoiser
{
    readonly ExactDenoiser flat = new(target.flatten().data<float>().ToArray(), schedule);

    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        using var scope = NewDisposeScope();
        var epsilon = flat.Predict(sample.flatten(1), timesteps, conditioning);
        return epsilon.reshape(sample.shape).MoveToOuterDisposeScope();
    }
}
