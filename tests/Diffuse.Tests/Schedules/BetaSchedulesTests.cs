using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedules;

public sealed class BetaSchedulesTests
{
    const int T = 1000;
    const double Start = 0.0001, End = 0.02;

    static double[] AlphasCumprod(string name, int t = T, double start = Start, double end = End)
    {
        using var schedule = new NoiseSchedule(BetaSchedules.Make(name, t, start, end));
        return schedule.AlphasCumprod.to(float64).data<double>().ToArray();
    }

    // ᾱ_t = ∏_{s≤t} (1 − β_s), accumulated in double.
    static double[] CumprodOf(Func<int, double> beta, int t = T)
    {
        var result = new double[t];
        double product = 1;
        for (int i = 0; i < t; i++)
            result[i] = product *= 1 - beta(i);
        return result;
    }

    static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= tolerance, $"max abs diff {worst:g3} > {tolerance:g3}");
    }

    [Fact]
    public void Linear_alphas_cumprod_match_the_product_in_double()
    {
        var expected = CumprodOf(i => Start + i * (End - Start) / (T - 1));
        AssertClose(expected, AlphasCumprod(BetaSchedules.Linear), 2e-6);
    }

    [Fact]
    public void Scaled_linear_alphas_cumprod_match_the_product_in_double()
    {
        double a = Math.Sqrt(0.00085), b = Math.Sqrt(0.012);
        var expected = CumprodOf(i => Math.Pow(a + i * (b - a) / (T - 1), 2));
        AssertClose(expected, AlphasCumprod(BetaSchedules.ScaledLinear, T, 0.00085, 0.012), 2e-6);
    }

    [Fact]
    public void Sigmoid_alphas_cumprod_match_the_product_in_double()
    {
        var expected = CumprodOf(i => 1 / (1 + Math.Exp(-(-6 + 12.0 * i / (T - 1)))) * (End - Start) + Start);
        AssertClose(expected, AlphasCumprod(BetaSchedules.Sigmoid), 2e-6);
    }

    [Fact]
    public void Cosine_alphas_cumprod_follow_f_t_over_f_0_where_beta_is_not_capped()
    {
        // β_i = 1 − f((i+1)/T)/f(i/T) telescopes to ᾱ_i = f((i+1)/T)/f(0) (Nichol & Dhariwal 2021, eq. 17).
        var actual = AlphasCumprod(BetaSchedules.SquaredCosCapV2);
        using var betas = BetaSchedules.Make(BetaSchedules.SquaredCosCapV2, T, Start, End);
        var b = betas.data<float>().ToArray();
        int uncapped = Array.FindIndex(b, x => x >= (float)BetaSchedules.CosineMaxBeta);
        Assert.True(uncapped > 990, $"first capped beta at {uncapped}");
        double f0 = BetaSchedules.CosineAlphaBar(0);
        for (int i = 0; i < uncapped; i++)
        {
            double expected = BetaSchedules.CosineAlphaBar((i + 1.0) / T) / f0;
            Assert.True(Math.Abs(actual[i] - expected) <= 1e-5, $"t={i}: {actual[i]} vs {expected}");
        }
    }

    [Fact]
    public void Cosine_betas_are_capped_at_0_999()
    {
        using var betas = BetaSchedules.Make(BetaSchedules.SquaredCosCapV2, T, Start, End);
        Assert.Equal(0.999f, betas.max().item<float>(), 6);
        Assert.Equal(0.999f, betas[T - 1].item<float>(), 6);
    }

    [Fact]
    public void Linear_schedule_matches_diffusers_fixture()
    {
        var fixture = Fixtures.Load(Fixtures.Expected("schedule.safetensors"));
        try
        {
            using var schedule = new NoiseSchedule(BetaSchedules.Make(BetaSchedules.Linear, T, Start, End));
            Assert.Equal(float32, fixture["betas"].dtype);
            float betaDiff = schedule.Betas.sub(fixture["betas"]).abs().max().item<float>();
            // One float32 ulp at 0.02 (1.9e-9): the fixture's torch 1.13 linspace rounds a few values differently.
            Assert.True(betaDiff <= 4e-9f, $"betas differ by {betaDiff:g3}");
            float alphaBarDiff = schedule.AlphasCumprod.sub(fixture["alphas_cumprod"]).abs().max().item<float>();
            Assert.True(alphaBarDiff <= 1e-6f, $"alphas_cumprod differ by {alphaBarDiff:g3}");
        }
        finally
        {
            foreach (var t in fixture.Values)
                t.Dispose();
        }
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("scaled_linear")]
    [InlineData("squaredcos_cap_v2")]
    [InlineData("sigmoid")]
    public void Every_schedule_gives_float32_betas_of_length_T_in_0_1(string name)
    {
        using var betas = BetaSchedules.Make(name, 50, Start, End);
        Assert.Equal(float32, betas.dtype);
        Assert.Equal([50L], betas.shape);
        Assert.True(betas.min().item<float>() > 0 && betas.max().item<float>() < 1);
    }

    [Fact]
    public void Unknown_schedule_name_is_a_diffuse_exception_listing_the_choices()
    {
        var e = Assert.ThrowsAny<DiffuseException>(() => BetaSchedules.Make("foo", T, Start, End));
        Assert.Equal("unknown beta_schedule 'foo' (expected linear, scaled_linear, squaredcos_cap_v2, sigmoid)", e.Message);
    }

    [Fact]
    public void Zero_terminal_snr_rescale_ends_at_alpha_bar_zero_and_keeps_the_first()
    {
        using var betas = BetaSchedules.Make(BetaSchedules.Linear, T, Start, End);
        using var rescaled = ZeroTerminalSnr.Rescale(betas);
        using var schedule = new NoiseSchedule(rescaled);
        Assert.Equal(0f, schedule.AlphaCumprodAt(T - 1), 7);
        Assert.Equal(1 - Start, schedule.AlphaCumprodAt(0), 6);
    }
}
