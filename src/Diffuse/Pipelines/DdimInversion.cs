using Diffuse.Models;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// DDIM inversion and its way back (Song et al. 2021, §4.3 eq. 14 and §5.4, "reconstruction from latent space"): an image is run up the
/// deterministic DDIM ODE to the noise x_T, and DDIM with η = 0 and the same step count runs it down again. Both go
/// through the visible <see cref="DenoisingLoop"/>, with the same conditioning (a class-conditional model's labels).
/// For a flow-matching model (its config's class is FlowMatch…) the same two runs are Euler steps along σ, which is
/// what DDIM's deterministic step is for the flow process: <see cref="FlowMatchEulerInverseScheduler"/> up,
/// <see cref="FlowMatchEulerDiscreteScheduler"/> down.
/// </summary>
public static class DdimInversion
{
    /// <summary>
    /// The config without x̂_0 clipping or dynamic thresholding. Both make a DDIM step many-to-one, so an inversion run
    /// with them (diffusers' DDIMInverseScheduler keeps clip_sample) cannot be undone: on the 900-step Fashion-MNIST
    /// model, 50-step round trips come back about 3× further off with clipping (docs/control.md).
    /// </summary>
    public static SchedulerConfig Unclipped(SchedulerConfig config) => config with { ClipSample = false, Thresholding = false };

    /// <summary>The noise x_T (at the level of the forward DDIM's first timestep) for <paramref name="images"/>, [B, C, H, W] in [−1, 1].</summary>
    public static Tensor Invert(IDenoiser model, SchedulerConfig config, Tensor images, int steps,
                                Conditioning? conditioning = null, Action<DenoisingStep>? onStep = null)
    {
        using IScheduler inverse = SchedulerConfigJson.IsFlowMatching(config) ? new FlowMatchEulerInverseScheduler(config) : new DdimInverseScheduler(config);
        return DenoisingLoop.Run(model, inverse, images, steps, conditioning: conditioning, onStep: onStep);
    }

    /// <summary>DDIM with η = 0 from <paramref name="noise"/>: the images that <see cref="Invert"/> came from, up to the inversion's error.</summary>
    public static Tensor Reconstruct(IDenoiser model, SchedulerConfig config, Tensor noise, int steps,
                                     Conditioning? conditioning = null, Action<DenoisingStep>? onStep = null)
    {
        using var ddim = SchedulerRegistry.Create("ddim", config);   // η = 0; on a flow model, its Euler step
        return DenoisingLoop.Run(model, ddim, noise, steps, conditioning: conditioning, onStep: onStep);
    }
}
