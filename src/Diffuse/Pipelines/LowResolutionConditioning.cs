using Diffuse.Data;
using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// SR3's conditioning (Saharia et al. 2021, §2, "we simply concatenate the low-resolution image,
/// upsampled to the target resolution with bicubic interpolation, with y_t along the channel
/// dimension") as a denoiser the unchanged sampling loop and trainer can call: the network sees
/// cat([x_t, up(x_low)]) and predicts for x_t alone. The conditioning is the same at every step.
/// </summary>
public sealed class LowResolutionConditioning : IDenoiser, IDisposable
{
    private readonly IDenoiser _model;
    private readonly Tensor _upsampled;
    private readonly bool _ownsUpsampled;

    /// <param name="upsampled">the low-resolution images already brought to full size, [B, C, H, W], one per sample.</param>
    public LowResolutionConditioning(IDenoiser model, Tensor upsampled) : this(model, upsampled, owns: false) { }

    private LowResolutionConditioning(IDenoiser model, Tensor upsampled, bool owns)
    {
        _model = model;
        _upsampled = upsampled;
        _ownsUpsampled = owns;
    }

    /// <summary>Conditions on <paramref name="lowResolution"/> [B, C, H/scale, W/scale], upsampled bicubically (disposed with this).</summary>
    public static LowResolutionConditioning FromLowResolution(IDenoiser model, Tensor lowResolution, int scale) =>
        new(model, LowResolution.Upsample(lowResolution, scale).DetachFromDisposeScope(), owns: true);

    public Tensor Upsampled => _upsampled;

    public Tensor Predict(Tensor sample, Tensor timesteps, Tensor? classLabels = null)
    {
        if (!sample.shape.SequenceEqual(_upsampled.shape))
            throw new DiffuseException($"samples of shape [{string.Join(",", sample.shape)}] do not match the conditioning's [{string.Join(",", _upsampled.shape)}]");
        using var scope = NewDisposeScope();
        // Only x_t is scaled by the scheduler (ScaleModelInput) before this call; the condition stays an image, as in
        // diffusers' StableDiffusionUpscalePipeline, which concatenates after scale_model_input.
        var input = cat([sample, _upsampled.to(sample.dtype)], 1);
        return _model.Predict(input, timesteps, classLabels).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        if (_ownsUpsampled) _upsampled.Dispose();
    }
}
