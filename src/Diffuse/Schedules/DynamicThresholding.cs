using static TorchSharp.torch;

namespace Diffuse.Schedules;

/// <summary>
/// Dynamic thresholding of a predicted x_0 (Saharia et al. 2022, "Imagen", §2.3): per sample, s is the
/// <c>dynamic_thresholding_ratio</c> quantile of |x_0|, clamped to [1, <c>sample_max_value</c>]; x_0 is clamped
/// to [−s, s] and divided by s. As diffusers' <c>_threshold_sample</c>.
/// </summary>
public static class DynamicThresholding
{
    /// <summary>
    /// Step 4 of diffusers' DDPM and DDIM steps: dynamic thresholding when the config asks for it,
    /// otherwise clipping to ±<c>clip_sample_range</c> when <c>clip_sample</c> is set, otherwise x_0 as is.
    /// </summary>
    public static Tensor ClipOrThreshold(Tensor x0, SchedulerConfig config)
    {
        if (config.Thresholding) return Apply(x0, config.DynamicThresholdingRatio, config.SampleMaxValue);
        return config.ClipSample ? x0.clamp(-config.ClipSampleRange, config.ClipSampleRange) : x0;
    }

    public static Tensor Apply(Tensor x0, double ratio, double sampleMaxValue)
    {
        if (!(ratio >= 0 && ratio <= 1))
            throw new DiffuseException($"dynamic_thresholding_ratio must lie in [0, 1], got {ratio}");
        using var scope = NewDisposeScope();
        var dtype = x0.dtype;
        var flat = x0.to(dtype == float64 ? float64 : float32).reshape(x0.shape[0], -1);
        var s = flat.abs().quantile(tensor(ratio, dtype: flat.dtype), dim: 1);
        // torch.clamp(s, min=1, max=sample_max_value): max wins if the range is empty.
        s = s.clamp_min(1).clamp_max(sampleMaxValue).unsqueeze(1);
        var thresholded = flat.maximum(-s).minimum(s) / s;
        return thresholded.reshape(x0.shape).to(dtype).MoveToOuterDisposeScope();
    }
}
