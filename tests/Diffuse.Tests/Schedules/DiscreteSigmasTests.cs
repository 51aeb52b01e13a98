using Diffuse.Schedules;

namespace Diffuse.Tests.Schedules;

public sealed class DiscreteSigmasTests
{
    static float[] LinearSigmas()
    {
        using var schedule = NoiseSchedule.FromConfig(new SchedulerConfig());
        return DiscreteSigmas.Training(schedule, rescaledToZeroSnr: false);
    }

    [Fact]
    public void Sigma_is_sqrt_of_one_minus_alpha_bar_over_alpha_bar()
    {
        using var schedule = NoiseSchedule.FromConfig(new SchedulerConfig());
        var sigmas = DiscreteSigmas.Training(schedule, rescaledToZeroSnr: false);
        double a = schedule.AlphaCumprodAt(500);
        Assert.Equal(Math.Sqrt((1 - a) / a), sigmas[500], 1e-5);
        Assert.Equal(0.0100005, sigmas[0], 1e-6);
        Assert.Equal(157.4, sigmas[999], 0.1);
    }

    [Fact]
    public void Zero_terminal_snr_keeps_the_last_sigma_finite()
    {
        using var schedule = NoiseSchedule.FromConfig(new SchedulerConfig { RescaleBetasZeroSnr = true });
        var sigmas = DiscreteSigmas.Training(schedule, rescaledToZeroSnr: true);
        Assert.Equal(4096, sigmas[^1], 0.01); // sqrt((1 − 2^−24)/2^−24)
    }

    [Fact]
    public void Interpolation_is_linear_between_training_timesteps_and_clamped_outside()
    {
        var sigmas = LinearSigmas();
        var values = DiscreteSigmas.Interpolate([10, 10.25, -3, 1200], sigmas);
        Assert.Equal(sigmas[10], values[0]);
        Assert.Equal(sigmas[10] + 0.25 * ((double)sigmas[11] - sigmas[10]), values[1], 1e-12);
        Assert.Equal(sigmas[0], values[2]);
        Assert.Equal(sigmas[^1], values[3]);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(17.0)]
    [InlineData(402.5)]
    [InlineData(998.75)]
    public void Sigma_to_timestep_inverts_the_log_sigma_interpolation(double t)
    {
        var sigmas = LinearSigmas();
        var logSigmas = sigmas.Select(s => MathF.Log(s)).ToArray();
        int j = (int)Math.Floor(t);
        double logSigma = j == t ? logSigmas[j] : logSigmas[j] + (t - j) * (logSigmas[j + 1] - logSigmas[j]);
        Assert.Equal(t, DiscreteSigmas.SigmaToTimestep(Math.Exp(logSigma), logSigmas), 1e-4);
    }

    [Fact]
    public void Init_noise_sigma_depends_on_the_spacing()
    {
        float[] sigmas = [0.5f, 3f, 0f];
        Assert.Equal(3f, DiscreteSigmas.InitNoiseSigma(sigmas, "linspace"));
        Assert.Equal(3f, DiscreteSigmas.InitNoiseSigma(sigmas, "trailing"));
        Assert.Equal(MathF.Sqrt(10f), DiscreteSigmas.InitNoiseSigma(sigmas, "leading"));
    }
}
