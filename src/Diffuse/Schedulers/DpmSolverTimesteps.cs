using Diffuse.Schedules;

namespace Diffuse.Schedulers;

/// <summary>
/// The timesteps and σ's of diffusers' DPMSolverMultistepScheduler.set_timesteps. Unlike DDIM's, its spacings take
/// n + 1 points and drop the one at t = 0 (leading: ratio T // (n + 1)), and stop before timesteps whose
/// λ_t = log(α_t/σ_t) is below <c>lambda_min_clipped</c>.
/// </summary>
static class DpmSolverTimesteps
{
    public static SigmaSteps Make(SchedulerConfig config, NoiseSchedule schedule, float[] trainingSigmas, int n,
                                  bool karras, float finalSigma)
    {
        int numTrain = config.NumTrainTimesteps;
        if (n <= 0 || n > numTrain)
            throw new DiffuseException($"number of inference steps must be in [1, {numTrain}], got {n}");
        int last = numTrain - ClippedCount(schedule, config);
        long[] timesteps = config.TimestepSpacing switch
        {
            TimestepSpacing.Linspace => Linspace(last, n),
            TimestepSpacing.Leading => Enumerable.Range(1, n).Reverse().Select(i => (long)i * (last / (n + 1)) + config.StepsOffset).ToArray(),
            TimestepSpacing.Trailing => Trailing(last, numTrain, n),
            var other => throw new DiffuseException(
                $"unknown timestep_spacing '{other}' (expected {string.Join(", ", TimestepSpacing.Names)})"),
        };
        if (!karras)
        {
            var sigmas = DiscreteSigmas.Interpolate(timesteps.Select(t => (double)t).ToArray(), trainingSigmas);
            return new SigmaSteps(timesteps.Select(t => (double)t).ToArray(),
                sigmas.Select(s => (float)s).Append(finalSigma).ToArray());
        }
        // Karras et al. 2022, eq. 5 between σ of the first and last training timestep; diffusers 0.31 repeats the
        // last Karras σ as the final one, whatever final_sigmas_type says.
        var karrasSigmas = KarrasSigmas.Make(trainingSigmas[0], trainingSigmas[^1], n);
        var logSigmas = trainingSigmas.Select(s => MathF.Log(s)).ToArray();
        var mapped = karrasSigmas.Select(s => Math.Round(DiscreteSigmas.SigmaToTimestep(s, logSigmas), MidpointRounding.ToEven));
        return new SigmaSteps(mapped.ToArray(), karrasSigmas.Append(karrasSigmas[^1]).Select(s => (float)s).ToArray());
    }

    // How many of the last training timesteps have λ_t < lambda_min_clipped: torch.searchsorted(flip(λ), min).
    static int ClippedCount(NoiseSchedule schedule, SchedulerConfig config)
    {
        double min = config.LambdaMinClipped ?? double.NegativeInfinity;
        int count = 0;
        for (int t = schedule.NumTrainTimesteps - 1; t >= 0; t--)
        {
            float alphaProd = DiscreteSigmas.AlphaCumprod(schedule, t, config.RescaleBetasZeroSnr);
            float lambda = MathF.Log(MathF.Sqrt(alphaProd)) - MathF.Log(MathF.Sqrt(1f - alphaProd));
            if (lambda >= min) break;
            count++;
        }
        return count;
    }

    // round(linspace(0, last − 1, n + 1))[::-1][:-1]
    static long[] Linspace(int last, int n)
    {
        double stop = last - 1, delta = stop / n;
        return Enumerable.Range(1, n).Reverse()
            .Select(i => (long)Math.Round(i == n ? stop : i * delta, MidpointRounding.ToEven)).ToArray();
    }

    // round(arange(last, 0, −T/n)) − 1, numpy's arange filling last + i·((last − T/n) − last).
    static long[] Trailing(int last, int numTrain, int n)
    {
        double ratio = (double)numTrain / n;
        double delta = (last - ratio) - last;
        int count = Math.Min(n, (int)Math.Ceiling(last / ratio));
        return Enumerable.Range(0, count).Select(i => (long)Math.Round(last + i * delta, MidpointRounding.ToEven) - 1).ToArray();
    }
}
