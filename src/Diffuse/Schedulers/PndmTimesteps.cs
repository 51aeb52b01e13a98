namespace Diffuse.Schedulers;

/// <summary>
/// The timesteps of diffusers' PNDMScheduler.set_timesteps: with the Runge–Kutta warm-up, the last four spaced
/// timesteps each visited at t, t − δ/2 (twice) and t − δ, then linear multistep on the rest; with
/// <c>skip_prk_steps</c>, the second timestep repeated (the PLMS start of crowsonkb's sampler).
/// </summary>
static class PndmTimesteps
{
    /// <summary>(PRK timesteps, PLMS timesteps), each descending; <paramref name="ascending"/> is the spaced list.</summary>
    public static (long[] Prk, long[] Plms) Make(long[] ascending, int numTrainTimesteps, bool skipPrkSteps)
    {
        int n = ascending.Length;
        if (skipPrkSteps)
        {
            var plms = ascending.Take(n - 1).Concat(ascending.Skip(n - 2).Take(n >= 2 ? 1 : 0)).Concat(ascending.Skip(n - 1)).Reverse();
            return ([], plms.ToArray());
        }
        if (n < PndmScheduler.PndmOrder)
            throw new DiffuseException(
                $"pndm: the Runge–Kutta warm-up needs at least {PndmScheduler.PndmOrder} steps, got {n} (or set skip_prk_steps)");
        long half = numTrainTimesteps / n / 2;
        // [t, t + δ/2] for each of the last four timesteps, drop the last, repeat each, trim both ends.
        var pairs = ascending.Skip(n - PndmScheduler.PndmOrder).SelectMany(t => new[] { t, t + half }).ToArray();
        var repeated = pairs.Take(pairs.Length - 1).SelectMany(t => new[] { t, t }).ToArray();
        var prk = repeated.Skip(1).Take(repeated.Length - 2).Reverse().ToArray();
        return (prk, ascending.Take(n - 3).Reverse().ToArray());
    }
}
