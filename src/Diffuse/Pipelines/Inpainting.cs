using Diffuse.Models;
using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// Inpainting with an unconditional model. The mask follows RePaint (Lugmayr et al. 2022, eq. 8):
/// <b>1 marks a known pixel, kept from the image; 0 marks a pixel to generate</b>. It is [B or 1, 1 or C, H, W] with
/// values 0 and 1 only. After every step the known region is replaced by the image noised to the sample's new level,
/// x_{t−1} = m ⊙ q(x_{t−1} | x₀) + (1 − m) ⊙ p_θ(x_{t−1} | x_t), and at the end the known pixels are pasted exactly.
/// </summary>
public static class Inpainting
{
    /// <summary>
    /// The replacement method (Song et al. 2021, app. I.2; RePaint's baseline): one pass down the timesteps.
    /// Works with every sampler that can start part-way (<see cref="IScheduler.CanStartPartWay"/>).
    /// </summary>
    public static Tensor Replace(IDenoiser model, IScheduler scheduler, Tensor image, Tensor mask, int steps,
                                 Generator? generator = null, Conditioning? conditioning = null, Action<DenoisingStep>? onStep = null,
                                 CancellationToken cancellationToken = default)
    {
        Check(scheduler, image, mask, steps, "inpainting");
        using var noGrad = no_grad();
        scheduler.SetTimesteps(steps);
        int n = scheduler.Timesteps.Length;
        var sample = Start(scheduler, image, generator);
        for (int i = 0; i < n; i++)
            sample = Step(model, scheduler, sample, image, mask, i, generator, conditioning, onStep, i, n, cancellationToken);
        return PasteKnown(sample, image, mask);
    }

    /// <summary>
    /// RePaint (Lugmayr et al. 2022, Alg. 1 with the jump schedule of §4.2): go down <paramref name="jump"/> steps, then
    /// back up the same span with the forward process q(x_{t+j} | x_t) = N(sqrt(ᾱ_{t+j}/ᾱ_t)·x_t, (1 − ᾱ_{t+j}/ᾱ_t)·I)
    /// and down again, <paramref name="resample"/> passes in all, so the generated region harmonises with the known one.
    /// DDPM only, as in the paper. resample = 1 is <see cref="Replace"/>.
    /// </summary>
    public static Tensor RePaint(IDenoiser model, DdpmScheduler scheduler, Tensor image, Tensor mask, int steps,
                                 int jump, int resample, Generator? generator = null, Conditioning? conditioning = null, Action<DenoisingStep>? onStep = null,
                                 CancellationToken cancellationToken = default)
    {
        if (jump <= 0) throw new DiffuseArgumentException("jump", $"must be positive (got {jump})");
        if (resample <= 0) throw new DiffuseArgumentException("resample", $"must be positive (got {resample})");
        Check(scheduler, image, mask, steps, "RePaint");
        using var noGrad = no_grad();
        scheduler.SetTimesteps(steps);
        var timesteps = scheduler.Timesteps;
        int n = timesteps.Length, done = 0, total = n * resample;
        var sample = Start(scheduler, image, generator);
        for (int blockStart = 0; blockStart < n; blockStart += jump)
        {
            int blockEnd = Math.Min(blockStart + jump, n);
            for (int pass = 0; pass < resample; pass++)
            {
                for (int i = blockStart; i < blockEnd; i++)
                    sample = Step(model, scheduler, sample, image, mask, i, generator, conditioning, onStep, done++, total, cancellationToken);
                if (pass < resample - 1)
                    sample = Renoise(scheduler, sample, AlphaCumprodAt(scheduler, blockEnd), AlphaCumprodAt(scheduler, blockStart), generator);
            }
        }
        return PasteKnown(sample, image, mask);
    }

    static void Check(IScheduler scheduler, Tensor image, Tensor mask, int steps, string use)
    {
        if (steps <= 0) throw new DiffuseArgumentException("steps", $"must be positive (got {steps})");
        ImageToImage.CheckCanStartPartWay(scheduler, use);
        if (image.dim() != 4) throw new DiffuseException($"the image must be [B, C, H, W], got [{string.Join(", ", image.shape)}]");
        if (mask.dim() != 4 || mask.shape[2] != image.shape[2] || mask.shape[3] != image.shape[3]
            || (mask.shape[0] != 1 && mask.shape[0] != image.shape[0]) || (mask.shape[1] != 1 && mask.shape[1] != image.shape[1]))
            throw new DiffuseException(
                $"the mask is [{string.Join(", ", mask.shape)}] but the image is [{string.Join(", ", image.shape)}]; they must match in height and width");
        using var binary = mask.eq(0).logical_or(mask.eq(1));
        if (!binary.all().item<bool>()) throw new DiffuseException("the mask must hold only 0 (generate) and 1 (keep)");
    }

    static Tensor Start(IScheduler scheduler, Tensor image, Generator? generator)
    {
        using var noise = randn(image.shape, dtype: image.dtype, generator: generator).to(image.device);
        return (noise * scheduler.InitNoiseSigma).DetachFromDisposeScope();
    }

    /// <summary>One reverse step from entry i, then the known region replaced at the level of entry i + 1.</summary>
    static Tensor Step(IDenoiser model, IScheduler scheduler, Tensor sample, Tensor image, Tensor mask, int i,
                       Generator? generator, Conditioning? conditioning, Action<DenoisingStep>? onStep, int reportIndex, int reportCount,
                       CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            sample.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
        }
        using var scope = NewDisposeScope();
        double t = scheduler.Timesteps[i];
        var modelInput = scheduler.ScaleModelInput(sample, t);
        var modelOutput = model.Predict(modelInput, tensor(new[] { (float)t }), conditioning);
        var step = scheduler.Step(modelOutput, t, sample, generator);
        var known = scheduler.AddNoise(image, randn(image.shape, dtype: image.dtype, generator: generator).to(image.device), i + 1);
        var next = (mask * known + (1 - mask) * step.PrevSample).DetachFromDisposeScope();
        sample.Dispose();
        onStep?.Invoke(new DenoisingStep(reportIndex, reportCount, t, next, step.PredOriginalSample));
        return next;
    }

    /// <summary>x_{t+j} ~ q(x_{t+j} | x_t) from the sample at ᾱ_from back to the noisier ᾱ_to.</summary>
    static Tensor Renoise(IScheduler scheduler, Tensor sample, double alphaProdFrom, double alphaProdTo, Generator? generator)
    {
        using var scope = NewDisposeScope();
        double ratio = alphaProdTo / alphaProdFrom;
        var noise = randn(sample.shape, dtype: sample.dtype, generator: generator).to(sample.device);
        var renoised = (Math.Sqrt(ratio) * sample + Math.Sqrt(1 - ratio) * noise).DetachFromDisposeScope();
        sample.Dispose();
        return renoised;
    }

    /// <summary>ᾱ at the level of entry <paramref name="index"/> of the timesteps; 1 past the last (clean data).</summary>
    static double AlphaCumprodAt(IBetaScheduler scheduler, int index) => index == scheduler.Timesteps.Length
        ? 1.0
        : scheduler.Schedule.AlphaCumprodAt((long)scheduler.Timesteps[index]);

    static Tensor PasteKnown(Tensor sample, Tensor image, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var pasted = where(mask.eq(1), image, sample).DetachFromDisposeScope();
        sample.Dispose();
        return pasted;
    }
}
