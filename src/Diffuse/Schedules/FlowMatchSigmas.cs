namespace Diffuse.Schedules;

/// <summary>
/// The noise levels of rectified flow (Liu et al. 2022; Esser et al. 2024, "Scaling Rectified Flow Transformers", §2):
/// x_σ = (1 − σ)·x₀ + σ·ε for σ in [0, 1], timestep t = 1000·σ. Computed as diffusers' FlowMatchEulerDiscreteScheduler
/// (v0.31) does, in the same float32 and float64 steps, so the schedules agree bit for bit: the training σ's in float32,
/// an inference run's σ's from a float64 linspace between the training ends, shifted, then rounded to float32.
/// </summary>
public static class FlowMatchSigmas
{
    /// <summary>The timestep shift s: σ ↦ s·σ/(1 + (s − 1)·σ) (Esser et al. 2024, §5.3.2, eq. 23); 1 leaves σ as it is.</summary>
    public static double ShiftOf(SchedulerConfig config) => config.Shift ?? 1.0;

    /// <summary>
    /// σ of the training timesteps N … 1 (diffusers' <c>__init__</c>): t/N in float32, shifted by s in float32 unless the
    /// shift is dynamic (then it is applied per run, from μ).
    /// </summary>
    public static float[] Training(SchedulerConfig config, bool shifted)
    {
        int n = config.NumTrainTimesteps;
        float shift = (float)ShiftOf(config), shiftMinusOne = (float)(ShiftOf(config) - 1);
        var sigmas = new float[n];
        for (int i = 0; i < n; i++)
        {
            float s = (n - i) / (float)n;
            sigmas[i] = shifted ? shift * s / (1f + shiftMinusOne * s) : s;
        }
        return sigmas;
    }

    /// <summary>Timesteps the network sees for these σ's: σ·N in float32.</summary>
    public static float[] Timesteps(float[] sigmas, int numTrainTimesteps) => sigmas.Select(s => s * numTrainTimesteps).ToArray();

    /// <summary>
    /// σ of an inference run of <paramref name="steps"/> steps (diffusers' <c>set_timesteps</c>): linspace in float64 from
    /// the first to the last training timestep, divided by N, shifted by s (or by μ, <see cref="TimeShift"/>), rounded to
    /// float32. Without the final 0.
    /// </summary>
    public static float[] Inference(SchedulerConfig config, float sigmaMax, float sigmaMin, int steps, double? mu)
    {
        int n = config.NumTrainTimesteps;
        var timesteps = Linspace((double)sigmaMax * n, (double)sigmaMin * n, steps);
        double shift = ShiftOf(config);
        return timesteps.Select(t =>
        {
            double sigma = t / n;
            return (float)(mu is double m ? TimeShift(m, sigma) : shift * sigma / (1 + (shift - 1) * sigma));
        }).ToArray();
    }

    /// <summary>diffusers' <c>time_shift(μ, 1, t)</c>: e^μ / (e^μ + (1/t − 1)), the shift s = e^μ of the resolution-dependent schedule.</summary>
    public static double TimeShift(double mu, double sigma) => Math.Exp(mu) / (Math.Exp(mu) + Math.Pow(1 / sigma - 1, 1.0));

    /// <summary>
    /// μ for an image of <paramref name="imageSeqLen"/> tokens, as the SD3 and Flux pipelines compute it
    /// (<c>calculate_shift</c>): linear in the sequence length, <c>base_shift</c> at <c>base_image_seq_len</c> and
    /// <c>max_shift</c> at <c>max_image_seq_len</c>.
    /// </summary>
    public static double Mu(SchedulerConfig config, long imageSeqLen)
    {
        double baseShift = config.BaseShift ?? 0.5, maxShift = config.MaxShift ?? 1.15;
        int baseLen = config.BaseImageSeqLen ?? 256, maxLen = config.MaxImageSeqLen ?? 4096;
        double m = (maxShift - baseShift) / (maxLen - baseLen);
        double b = baseShift - m * baseLen;
        return imageSeqLen * m + b;
    }

    /// <summary>numpy's <c>linspace(start, stop, num)</c>: start + i·step, the last point exactly stop.</summary>
    public static double[] Linspace(double start, double stop, int num)
    {
        var values = new double[num];
        if (num == 1) { values[0] = start; return values; }
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) values[i] = i * step + start;
        values[^1] = stop;
        return values;
    }

    /// <summary>Checks the flow keys of a config, naming the first bad one.</summary>
    public static void Validate(SchedulerConfig config, string sampler)
    {
        if (!(ShiftOf(config) > 0) || double.IsInfinity(ShiftOf(config)))
            throw new DiffuseException($"{sampler}: shift must be a positive number (got {ShiftOf(config)})");
        if (config.BaseImageSeqLen is int b && config.MaxImageSeqLen is int m && b == m)
            throw new DiffuseException($"{sampler}: base_image_seq_len and max_image_seq_len must differ (both {b})");
    }
}
