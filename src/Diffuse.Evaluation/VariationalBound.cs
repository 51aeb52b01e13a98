using Diffuse.Models;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// The variational bound on −log p_θ(x₀) of a DDPM (Ho et al. 2020, eq. 5), per image, in bits per dimension:
/// L = L_T + Σ_{t=2..T} L_{t−1} + L₀ with
/// L_T = KL(q(x_T | x₀) ‖ N(0, I)),
/// L_{t−1} = KL(q(x_{t−1} | x_t, x₀) ‖ p_θ(x_{t−1} | x_t)) and
/// L₀ = −log p_θ(x₀ | x₁), the discretised Gaussian decoder of eq. 13 for 8-bit images.
/// p_θ(x_{t−1} | x_t) is the reverse step the DDPM sampler takes: mean μ̃_t(x_t, x̂₀) (eq. 7) with x̂₀ from the
/// network output, clipped or thresholded as the scheduler config says, and the fixed variance of its
/// <c>variance_type</c>: β̃_t (fixed_small) or β_t (fixed_large). As in Ho et al.'s and improved-diffusion's code,
/// each term draws its own x_t ~ q(x_t | x₀), so the bound of one image is a one-sample Monte Carlo estimate, and the
/// decoder's variance is β̃ of the second timestep for both variance types (β̃ of the first is 0).
/// Arithmetic is float64 (the network sees float32 x_t); timesteps are 0-based indices as in diffusers, so
/// index i holds the paper's x_{i+1}.
/// </summary>
public sealed class VariationalBound : IDisposable
{
    readonly IDenoiser model;
    readonly SchedulerConfig config;
    readonly PredictionType predictionType;
    readonly LikelihoodDecoder decoder;
    readonly int timesteps;
    readonly double finalAlphaProd;
    readonly double decoderLogScale;
    // float64 [T] tables, indexed by timestep.
    readonly Tensor sqrtAlphaProd, sqrtOneMinusAlphaProd, originalCoeff, sampleCoeff, logPosteriorVariance, logModelVariance;

    public VariationalBound(IDenoiser model, SchedulerConfig config, LikelihoodDecoder decoder)
    {
        if (SchedulerConfigJson.IsFlowMatching(config))
            throw new DiffuseException($"the variational bound is that of a diffusion model (a β schedule); this model was trained for flow matching ({config.ClassName}), whose likelihood would need the ODE's divergence, which nll does not compute");
        config.Validate();
        if (config.VarianceType is not (DdpmScheduler.FixedSmall or DdpmScheduler.FixedLarge))
            throw new DiffuseException($"the bound needs a fixed reverse variance: variance_type '{config.VarianceType}' is not {DdpmScheduler.FixedSmall} or {DdpmScheduler.FixedLarge}");
        if (config.NumTrainTimesteps < 2)
            throw new DiffuseException($"the bound needs at least 2 timesteps (num_train_timesteps is {config.NumTrainTimesteps})");
        this.model = model;
        this.config = config;
        this.decoder = decoder;
        predictionType = config.ParsePredictionType();
        timesteps = config.NumTrainTimesteps;

        double[] betas;
        using (var schedule = NoiseSchedule.FromConfig(config)) betas = schedule.Betas.data<float>().Select(b => (double)b).ToArray();
        int T = timesteps;
        var alphaProd = new double[T];
        var sqrtA = new double[T];
        var sqrtB = new double[T];
        var c0 = new double[T];
        var ct = new double[T];
        var posteriorVariance = new double[T];
        double product = 1;
        for (int i = 0; i < T; i++)
        {
            double previous = product;
            product *= 1 - betas[i];
            alphaProd[i] = product;
            sqrtA[i] = Math.Sqrt(product);
            sqrtB[i] = Math.Sqrt(1 - product);
            // Posterior q(x_{t−1} | x_t, x₀) = N(c₀·x₀ + c_t·x_t, β̃_t) (Ho et al. 2020, eqs. 6–7); ᾱ before the first step is 1.
            c0[i] = Math.Sqrt(previous) * betas[i] / (1 - product);
            ct[i] = Math.Sqrt(1 - betas[i]) * (1 - previous) / (1 - product);
            posteriorVariance[i] = (1 - previous) / (1 - product) * betas[i];
        }
        finalAlphaProd = alphaProd[T - 1];
        // β̃ of timestep 0 is 0; like improved-diffusion's posterior_log_variance_clipped, use β̃ of timestep 1 there.
        double logClipped = Math.Log(posteriorVariance[1]);
        var logPosterior = posteriorVariance.Select((v, i) => i == 0 ? logClipped : Math.Log(v)).ToArray();
        var logModel = config.VarianceType == DdpmScheduler.FixedSmall
            ? logPosterior
            : betas.Select((b, i) => i == 0 ? logClipped : Math.Log(b)).ToArray();
        decoderLogScale = 0.5 * logClipped;

        sqrtAlphaProd = tensor(sqrtA);
        sqrtOneMinusAlphaProd = tensor(sqrtB);
        originalCoeff = tensor(c0);
        sampleCoeff = tensor(ct);
        logPosteriorVariance = tensor(logPosterior);
        logModelVariance = tensor(logModel);
    }

    public int NumTrainTimesteps => timesteps;

    /// <summary>Network evaluations per image: T with every timestep, K + 1 (K transitions and the decoder) for an estimate.</summary>
    public int EvaluationsPerImage(int? sampledTimesteps) => sampledTimesteps is int k ? k + 1 : timesteps;

    /// <summary>
    /// The bound of every image of <paramref name="x0"/> ([N, ...]; images in [−1, 1] are first rounded to the
    /// 8-bit grid when the decoder is discretised), <paramref name="batch"/> images per network call.
    /// With <paramref name="sampledTimesteps"/> K, the T − 1 transition timesteps are cut into K strata of nearly
    /// equal size n_k and each image gets one timestep drawn uniformly in each stratum; n_k·L_{t_k} summed over the
    /// strata is an unbiased estimate of the image's transition sum (stratified sampling) with more variance than
    /// evaluating all T. L_T and L₀ are always exact.
    /// </summary>
    /// <param name="classLabels">int64 [N], or null for an unconditional model.</param>
    /// <param name="onEvaluation">gets (network calls done, network calls in all).</param>
    public VariationalBoundTerms Evaluate(Tensor x0, Tensor? classLabels, int batch, int? sampledTimesteps, Generator generator,
                                         Action<int, int>? onEvaluation = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (sampledTimesteps is int k && (k < 1 || k > timesteps - 1))
            throw new DiffuseArgumentException("timestep_samples", $"must be between 1 and {timesteps - 1}, the number of transition terms (got {k})");
        int n = (int)x0.shape[0];
        if (n == 0) throw new DiffuseException("no images to evaluate");
        var prior = new double[n];
        var transitions = new double[n];
        var decoderTerms = new double[n];
        var byTimestep = sampledTimesteps is null ? new double[timesteps] : null;
        int slots = EvaluationsPerImage(sampledTimesteps);
        int calls = (n + batch - 1) / batch * slots, done = 0;

        using var noGrad = no_grad();
        for (int start = 0; start < n; start += batch)
        {
            int size = Math.Min(batch, n - start);
            using var batchScope = NewDisposeScope();
            var images = Prepare(x0.narrow(0, start, size));
            var labels = classLabels?.narrow(0, start, size);
            Add(prior, start, Prior(images));
            if (sampledTimesteps is int strata)
            {
                var (picks, weights) = Strata(size, strata, generator);
                for (int s = 0; s < strata; s++)
                {
                    using var scope = NewDisposeScope();
                    Add(transitions, start, Term(images, picks.select(1, s).contiguous(), labels, generator) * weights[s]);
                    onEvaluation?.Invoke(++done, calls);
                }
            }
            else
            {
                for (int i = timesteps - 1; i >= 1; i--)
                {
                    using var scope = NewDisposeScope();
                    var term = Term(images, full(size, (long)i, dtype: int64), labels, generator);
                    byTimestep![i] += Add(transitions, start, term);
                    onEvaluation?.Invoke(++done, calls);
                }
            }
            using (var scope = NewDisposeScope())
            {
                double sum = Add(decoderTerms, start, Term(images, zeros(size, dtype: int64), labels, generator));
                if (byTimestep is not null) byTimestep[0] += sum;
                onEvaluation?.Invoke(++done, calls);
            }
        }
        return new VariationalBoundTerms
        {
            Prior = prior, Transitions = transitions, Decoder = decoderTerms, SampledTimesteps = sampledTimesteps,
            ByTimestep = byTimestep?.Select(v => v / n).ToArray(),
        };
    }

    /// <summary>Bits per dimension of each image's L_T = KL(N(√ᾱ_T·x₀, 1 − ᾱ_T) ‖ N(0, I)); no network call.</summary>
    public Tensor Prior(Tensor x0)
    {
        using var scope = NewDisposeScope();
        var x = x0.to(float64);
        var kl = GaussianLikelihood.NormalKl(Math.Sqrt(finalAlphaProd) * x, tensor(Math.Log(1 - finalAlphaProd), float64),
                                             zeros_like(x), zeros_like(x));
        return BitsPerDim(kl).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Bits per dimension of each image's term at its timestep index (0: the decoder L₀; i ≥ 1: L_i), for one draw
    /// of x_t ~ q(x_t | x₀). Every timestep of the batch must be 0, or none.
    /// </summary>
    public Tensor Term(Tensor x0, Tensor t, Tensor? classLabels, Generator generator)
    {
        using var scope = NewDisposeScope();
        var x = x0.to(float64);
        var noise = randn(x.shape, dtype: float64, generator: generator);
        var sample = (Gather(sqrtAlphaProd, t, x) * x + Gather(sqrtOneMinusAlphaProd, t, x) * noise).to(float32);
        var output = model.Predict(sample, t, classLabels is null ? null : new Conditioning { ClassLabels = classLabels }).to(float64);
        var xt = sample.to(float64);
        var predicted = Predictions.Original(output, xt, Gather(sqrtAlphaProd, t, x), Gather(sqrtOneMinusAlphaProd, t, x), predictionType);
        predicted = DynamicThresholding.ClipOrThreshold(predicted, config);
        var c0 = Gather(originalCoeff, t, x);
        var ct = Gather(sampleCoeff, t, x);
        var modelMean = c0 * predicted + ct * xt;

        bool decoding = t.eq(0).all().item<bool>();
        if (!decoding && t.eq(0).any().item<bool>()) throw new ArgumentException("timestep 0 (the decoder) mixed with others in one batch", nameof(t));
        Tensor nats;
        if (decoding)
        {
            var logScale = tensor(decoderLogScale, float64);
            nats = decoder == LikelihoodDecoder.Discretized8Bit
                ? -GaussianLikelihood.DiscretizedLogLikelihood(x, modelMean, logScale)
                : -GaussianLikelihood.ContinuousLogLikelihood(x, modelMean, logScale);
        }
        else
        {
            var trueMean = c0 * x + ct * xt;
            nats = GaussianLikelihood.NormalKl(trueMean, Gather(logPosteriorVariance, t, x), modelMean, Gather(logModelVariance, t, x));
        }
        return BitsPerDim(nats).MoveToOuterDisposeScope();
    }

    /// <summary>Images as the decoder reads them: float64, and on the 8-bit grid 2k/255 − 1 for the discretised decoder.</summary>
    Tensor Prepare(Tensor x0)
    {
        var x = x0.to(float64);
        return decoder == LikelihoodDecoder.Discretized8Bit ? x.add(1).mul(127.5).round().clamp(0, 255).div(127.5).sub(1) : x;
    }

    /// <summary>One timestep per image in each of K strata of 1..T−1, and each stratum's size.</summary>
    (Tensor Picks, double[] Weights) Strata(int images, int strata, Generator generator)
    {
        int transitionCount = timesteps - 1;
        var starts = Enumerable.Range(0, strata + 1).Select(s => 1 + (long)s * transitionCount / strata).ToArray();
        var sizes = Enumerable.Range(0, strata).Select(s => (double)(starts[s + 1] - starts[s])).ToArray();
        var u = rand([images, strata], dtype: float64, generator: generator);
        var picks = (tensor(starts[..^1].Select(v => (double)v).ToArray()) + (u * tensor(sizes)).floor()).to(int64);
        return (picks, sizes);
    }

    static Tensor Gather(Tensor table, Tensor t, Tensor like)
    {
        var shape = Enumerable.Repeat(1L, (int)like.dim()).ToArray();
        shape[0] = t.shape[0];
        return table.index_select(0, t).reshape(shape);
    }

    /// <summary>Mean over all but the batch dimension, in bits.</summary>
    static Tensor BitsPerDim(Tensor nats) => nats.flatten(1).mean([1]) / Math.Log(2);

    /// <summary>Adds each image's value into <paramref name="into"/> from <paramref name="start"/>; returns their sum.</summary>
    static double Add(double[] into, int start, Tensor values)
    {
        var v = values.data<double>().ToArray();
        for (int i = 0; i < v.Length; i++) into[start + i] += v[i];
        return v.Sum();
    }

    public void Dispose()
    {
        sqrtAlphaProd.Dispose();
        sqrtOneMinusAlphaProd.Dispose();
        originalCoeff.Dispose();
        sampleCoeff.Dispose();
        logPosteriorVariance.Dispose();
        logModelVariance.Dispose();
    }
}
