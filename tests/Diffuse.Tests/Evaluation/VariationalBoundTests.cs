using Diffuse.Data;
using Diffuse.Evaluation;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using Diffuse.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffuse.Tests.Evaluation;

[Collection(GlobalRngCollection.Name)]
public sealed class VariationalBoundTests(ITestOutputHelper output)
{
    const int T = 20;
    // β₀ = β₁ = b with b/(2 − b) = 1/255², so the decoder's σ = √β̃₁ is exactly one half-level, 1/255.
    const double B = 2.0 / (255 * 255 + 1);
    // Φ(1) and Φ(1) − Φ(−1), from tables of the normal distribution.
    const double Phi1 = 0.841344746068543, Within1 = 0.682689492137086;

    static readonly double[] Betas = [B, B, .. Enumerable.Range(2, T - 2).Select(i => 0.02 + 0.5 * (i - 2) / (T - 3))];

    static SchedulerConfig Config(string varianceType, bool clip = true) => new()
    {
        NumTrainTimesteps = T, TrainedBetas = Betas, VarianceType = varianceType, ClipSample = clip,
    };

    /// <summary>ᾱ as the bound computes it: the product of the float32 betas, in float64.</summary>
    static double[] AlphasCumprod()
    {
        var result = new double[T];
        double product = 1;
        for (int i = 0; i < T; i++) result[i] = product *= 1 - (double)(float)Betas[i];
        return result;
    }

    static double Beta(int i) => (float)Betas[i];

    static double PosteriorVariance(int i, double[] a) => (1 - a[i - 1]) / (1 - a[i]) * Beta(i);

    // Four pixels on the 8-bit grid: two at the ends of the range, two inside.
    static Tensor Point() => tensor(new float[] { -1, 1, 1f / 255, -127f / 255 }).reshape(1, 1, 2, 2);

    static VariationalBoundTerms OracleBound(string varianceType, int images, int? sampled = null, long seed = 3)
    {
        using var point = Point();
        var oracle = new SinglePointOracle(point, AlphasCumprod());
        using var bound = new VariationalBound(oracle, Config(varianceType), LikelihoodDecoder.Discretized8Bit);
        using var data = point.expand(images, -1, -1, -1).contiguous();
        using var generator = new Generator().manual_seed(seed);
        return bound.Evaluate(data, null, 64, sampled, generator);
    }

    [Fact]
    public void With_the_exact_denoiser_every_transition_term_is_zero_and_the_bound_is_prior_plus_decoder()
    {
        var terms = OracleBound(DdpmScheduler.FixedSmall, images: 3);
        var a = AlphasCumprod();
        double[] x = [-1, 1, 1.0 / 255, -127.0 / 255];
        // L_T = mean over pixels of ½(−ln(1 − ᾱ_T) − ᾱ_T + ᾱ_T·x²); L₀: the mean μ is x₀ itself and σ one half-level,
        // so the two end pixels have mass Φ(1) and the two inside ones Φ(1) − Φ(−1).
        double aT = a[T - 1];
        double prior = x.Average(v => 0.5 * (-Math.Log(1 - aT) - aT + aT * v * v)) / Math.Log(2);
        double decoder = -(2 * Math.Log(Phi1) + 2 * Math.Log(Within1)) / 4 / Math.Log(2);
        output.WriteLine($"prior {prior:g6}, decoder {decoder:g6} bits/dim");
        for (int i = 0; i < terms.Count; i++)
        {
            Assert.True(Math.Abs(terms.Transitions[i]) < 1e-9, $"transitions {terms.Transitions[i]:g3}");
            Assert.Equal(prior, terms.Prior[i], 1e-12);
            Assert.Equal(decoder, terms.Decoder[i], 1e-7);
            Assert.Equal(prior + decoder, terms.Total[i], 1e-7);
        }
        Assert.All(terms.ByTimestep![1..], l => Assert.True(Math.Abs(l) < 1e-9, $"L_t {l:g3}"));
    }

    [Fact]
    public void Fixed_large_variance_costs_exactly_the_kl_between_the_two_variances()
    {
        // Means agree under the exact denoiser, so L_i = ½(−1 + ln(β_i/β̃_i) + β̃_i/β_i) per dimension, whatever x_t.
        var terms = OracleBound(DdpmScheduler.FixedLarge, images: 2);
        var a = AlphasCumprod();
        double sum = 0;
        for (int i = 1; i < T; i++)
        {
            double ratio = PosteriorVariance(i, a) / Beta(i);
            double expected = 0.5 * (-1 - Math.Log(ratio) + ratio) / Math.Log(2);
            Assert.Equal(expected, terms.ByTimestep![i], 1e-9);
            sum += expected;
        }
        Assert.All(terms.Transitions, l => Assert.Equal(sum, l, 1e-8));
    }

    [Fact]
    public void The_terms_by_timestep_add_up_to_the_transition_sum_and_the_total()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var model = new Diffuse.Models.ToyMlp(ModelPresets.Toy());
        using var bound = new VariationalBound(model, Config(DdpmScheduler.FixedSmall, clip: false), LikelihoodDecoder.ContinuousGaussian);
        var points = Toy2D.Sample("moons", 10, new Generator().manual_seed(1));
        var terms = bound.Evaluate(points, null, 4, null, new Generator().manual_seed(2));
        Assert.Equal(terms.Transitions.Average(), terms.ByTimestep![1..].Sum(), 1e-9);
        Assert.Equal(terms.Decoder.Average(), terms.ByTimestep[0], 1e-9);
        Assert.Equal(terms.Total.Average(), terms.Prior.Average() + terms.ByTimestep.Sum(), 1e-9);
        Assert.All(terms.Transitions, l => Assert.True(l > 0, "an untrained model's transition terms are positive"));
    }

    [Fact]
    public void Sampled_timesteps_give_an_unbiased_estimate_of_the_transition_sum()
    {
        var exact = OracleBound(DdpmScheduler.FixedLarge, images: 1).Transitions[0];
        // One stratum a timestep: the estimate is the sum itself.
        Assert.Equal(exact, OracleBound(DdpmScheduler.FixedLarge, images: 1, sampled: T - 1).Transitions[0], 1e-9);
        // Four strata of 4–5 timesteps: each image's estimate differs from the sum, their mean converges to it.
        var estimates = OracleBound(DdpmScheduler.FixedLarge, images: 4000, sampled: 4).Transitions;
        var mean = MeanWithError.Of(estimates);
        output.WriteLine($"exact {exact:F5}, estimate {mean.Mean:F5} ± {mean.StandardError:F5}, one image's spread {mean.StandardError * Math.Sqrt(4000):F4}");
        Assert.True(estimates.Distinct().Count() > 10, "the strata are sampled per image");
        Assert.True(Math.Abs(mean.Mean - exact) < 4 * mean.StandardError, $"estimate {mean.Mean} ± {mean.StandardError} vs {exact}");
        Assert.True(mean.StandardError < 0.03 * exact, $"standard error {mean.StandardError}");
    }

    [Fact]
    public void Sampled_timesteps_outside_one_to_t_minus_one_are_refused()
    {
        var error = Assert.ThrowsAny<DiffuseException>(() => OracleBound(DdpmScheduler.FixedSmall, images: 1, sampled: T));
        Assert.Contains("timestep_samples must be between 1 and 19", error.Message);
    }

    [Fact]
    public void A_trained_toy_model_has_a_finite_bound_far_below_an_untrained_one_and_above_the_data_entropy()
    {
        var config = TrainConfig.ForData("gaussians8") with { Steps = 300, Batch = 256, NumTrainTimesteps = 100, SampleEvery = 0, CheckpointEvery = 0 };
        using var trainer = new Trainer(config, TrainingSetup.Prepare(config));
        using var points = Toy2D.Sample("gaussians8", 500, new Generator().manual_seed(9));
        double Bound()
        {
            using var bound = new VariationalBound(trainer.EmaDenoiser, trainer.SchedulerConfig, LikelihoodDecoder.ContinuousGaussian);
            return MeanWithError.Of(bound.Evaluate(points, null, 500, null, new Generator().manual_seed(4)).Total).Mean;
        }
        double untrained = Bound();
        while (trainer.Step < config.Steps) trainer.TrainStep();
        double trained = Bound();
        // The data's own entropy, 8 modes of σ = 0.1, is (ln 8/2 + ½·ln(2πe·0.01))/ln 2 ≈ 0.23 bits/dim: no bound may
        // go below it. (With the exact mixture denoiser and T = 100 the bound is about 0.8; the best single Gaussian,
        // of per-axis variance 0.99, costs ½·ln(2πe·0.99)/ln 2 ≈ 2.04; a few hundred steps of training land above both.)
        double gaussian = 0.5 * Math.Log(2 * Math.PI * Math.E * 0.99) / Math.Log(2);
        double entropy = (Math.Log(8) / 2 + 0.5 * Math.Log(2 * Math.PI * Math.E * 0.01)) / Math.Log(2);
        output.WriteLine($"bits/dim: trained {trained:F3}, untrained {untrained:F3}, single Gaussian {gaussian:F3}, data entropy {entropy:F3}");
        Assert.True(double.IsFinite(trained) && double.IsFinite(untrained));
        Assert.True(trained < untrained - 1, $"trained {trained} vs untrained {untrained}");
        Assert.True(trained > entropy - 0.1, $"a bound below the data's entropy ({trained} < {entropy}) would be a bug");
    }
}
