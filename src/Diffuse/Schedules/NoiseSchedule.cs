using static TorchSharp.torch;

namespace Diffuse.Schedules;

/// <summary>
/// The forward (noising) process of a DDPM: β_t, α_t = 1 − β_t and ᾱ_t = ∏_{s≤t} α_s as float32 tensors, the
/// closed-form q(x_t | x_0) (Ho et al. 2020, eq. 4) and conversions between what a network may predict.
/// Timesteps are 0-based indices into these tensors, as in diffusers.
/// </summary>
public sealed class NoiseSchedule : IDisposable
{
    readonly float[] alphasCumprodValues;
    readonly float[] betaValues;
    readonly float[] alphaValues;

    /// <summary>Takes a copy of <paramref name="betas"/> (1-D, any float dtype) as float32.</summary>
    public NoiseSchedule(Tensor betas)
    {
        if (betas.dim() != 1 || betas.shape[0] == 0)
            throw new DiffuseException($"betas must be a non-empty 1-D tensor, got shape [{string.Join(", ", betas.shape)}]");
        Betas = betas.detach().to(float32).clone();
        betaValues = Betas.data<float>().ToArray();
        if (betaValues.Any(b => !(b > 0 && b <= 1)))
        {
            Betas.Dispose();
            throw new DiffuseException("betas must lie in (0, 1]");
        }
        Alphas = 1.0 - Betas;
        AlphasCumprod = Alphas.cumprod(0);
        alphaValues = Alphas.data<float>().ToArray();
        alphasCumprodValues = AlphasCumprod.data<float>().ToArray();
    }

    /// <summary>The schedule a diffusers scheduler builds from its config (<c>trained_betas</c> win if given).</summary>
    public static NoiseSchedule FromConfig(SchedulerConfig config)
    {
        config.Validate();
        using var betas = config.TrainedBetas is { } trained
            ? tensor(trained.Select(b => (float)b).ToArray())
            : BetaSchedules.Make(config.BetaSchedule, config.NumTrainTimesteps, config.BetaStart, config.BetaEnd);
        if (!config.RescaleBetasZeroSnr)
            return new NoiseSchedule(betas);
        using var rescaled = ZeroTerminalSnr.Rescale(betas);
        return new NoiseSchedule(rescaled);
    }

    public Tensor Betas { get; }
    public Tensor Alphas { get; }
    public Tensor AlphasCumprod { get; }
    public int NumTrainTimesteps => betaValues.Length;

    /// <summary>ᾱ_t as the float32 value diffusers indexes out of <c>alphas_cumprod</c>.</summary>
    public float AlphaCumprodAt(long t) => alphasCumprodValues[CheckTimestep(t)];

    public float BetaAt(long t) => betaValues[CheckTimestep(t)];

    public float AlphaAt(long t) => alphaValues[CheckTimestep(t)];

    /// <summary>x_t = sqrt(ᾱ_t)·x_0 + sqrt(1 − ᾱ_t)·ε (Ho et al. 2020, eq. 4), one timestep per batch item.</summary>
    public Tensor AddNoise(Tensor x0, Tensor noise, Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        var (sqrtAlphaProd, sqrtOneMinusAlphaProd) = Coefficients(timesteps, x0);
        return (sqrtAlphaProd * x0 + sqrtOneMinusAlphaProd * noise).MoveToOuterDisposeScope();
    }

    /// <summary>Signal-to-noise ratio ᾱ_t / (1 − ᾱ_t) (Kingma et al. 2021, eq. 2), float32 with the shape of timesteps.</summary>
    public Tensor Snr(Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        var alphaProd = Gather(timesteps);
        return (alphaProd / (1.0 - alphaProd)).MoveToOuterDisposeScope();
    }

    /// <summary>v = sqrt(ᾱ_t)·ε − sqrt(1 − ᾱ_t)·x_0 (Salimans &amp; Ho 2022, §4).</summary>
    public Tensor GetVelocity(Tensor x0, Tensor noise, Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        var (sqrtAlphaProd, sqrtOneMinusAlphaProd) = Coefficients(timesteps, x0);
        return (sqrtAlphaProd * noise - sqrtOneMinusAlphaProd * x0).MoveToOuterDisposeScope();
    }

    /// <summary>What a network of the given prediction type should output for (x_0, ε, t): its training target.</summary>
    public Tensor Target(Tensor x0, Tensor noise, Tensor timesteps, PredictionType predictionType) => predictionType switch
    {
        PredictionType.Epsilon => noise.alias(),
        PredictionType.Sample => x0.alias(),
        PredictionType.VPrediction => GetVelocity(x0, noise, timesteps),
        _ => throw new DiffuseException($"unknown prediction type {(int)predictionType}"),
    };

    /// <summary>The x_0 implied by a model output at x_t (Ho et al. 2020, eq. 15 for ε), one timestep per batch item.</summary>
    public Tensor PredictOriginal(Tensor modelOutput, Tensor sample, Tensor timesteps, PredictionType predictionType)
    {
        using var scope = NewDisposeScope();
        var (sqrtAlphaProd, sqrtBetaProd) = Coefficients(timesteps, sample);
        return Predictions.Original(modelOutput, sample, sqrtAlphaProd, sqrtBetaProd, predictionType).MoveToOuterDisposeScope();
    }

    /// <summary>The ε implied by a model output at x_t, one timestep per batch item.</summary>
    public Tensor PredictEpsilon(Tensor modelOutput, Tensor sample, Tensor timesteps, PredictionType predictionType)
    {
        using var scope = NewDisposeScope();
        var (sqrtAlphaProd, sqrtBetaProd) = Coefficients(timesteps, sample);
        return Predictions.Epsilon(modelOutput, sample, sqrtAlphaProd, sqrtBetaProd, predictionType).MoveToOuterDisposeScope();
    }

    /// <summary>ᾱ_t for each timestep, in float32 (diffusers indexes <c>alphas_cumprod</c>).</summary>
    Tensor Gather(Tensor timesteps)
    {
        if (timesteps.dtype != int64 && timesteps.dtype != int32)
            throw new DiffuseException($"timesteps must be an integer tensor, got {timesteps.dtype}");
        if (timesteps.numel() > 0)
        {
            CheckTimestep(timesteps.min().item<long>());
            CheckTimestep(timesteps.max().item<long>());
        }
        using var flat = timesteps.to(int64).flatten();
        return AlphasCumprod.to(flat.device).index_select(0, flat).reshape(timesteps.shape);
    }

    // sqrt(ᾱ_t) and sqrt(1 − ᾱ_t) shaped [B, 1, ..., 1] to broadcast over a batch like `like`, in its dtype.
    (Tensor SqrtAlphaProd, Tensor SqrtOneMinusAlphaProd) Coefficients(Tensor timesteps, Tensor like)
    {
        var alphaProd = Gather(timesteps).flatten().to(like.dtype).to(like.device);
        var shape = new long[Math.Max(like.dim(), 1)];
        Array.Fill(shape, 1L);
        shape[0] = alphaProd.shape[0];
        return (alphaProd.sqrt().reshape(shape), (1.0 - alphaProd).sqrt().reshape(shape));
    }

    long CheckTimestep(long t)
    {
        if (t < 0 || t >= betaValues.Length)
            throw new DiffuseException($"timestep {t} is outside [0, {betaValues.Length - 1}]");
        return t;
    }

    public void Dispose()
    {
        Betas.Dispose();
        Alphas.Dispose();
        AlphasCumprod.Dispose();
    }
}
