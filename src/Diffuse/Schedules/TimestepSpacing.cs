namespace Diffuse.Schedules;

/// <summary>
/// Which training timesteps a sampler visits, diffusers' <c>timestep_spacing</c> (compared in Lin et al. 2024,
/// Table 2), computed with numpy's arithmetic so the integers match diffusers' <c>set_timesteps</c>.
/// </summary>
public static class TimestepSpacing
{
    public const string Leading = "leading";
    public const string Trailing = "trailing";
    public const string Linspace = "linspace";

    public static IReadOnlyList<string> Names { get; } = [Leading, Trailing, Linspace];

    /// <summary>Descending timesteps for <paramref name="numInferenceSteps"/> steps of a T-step model.</summary>
    public static long[] Make(string spacing, int numTrainTimesteps, int numInferenceSteps, int stepsOffset)
    {
        if (numInferenceSteps <= 0 || numInferenceSteps > numTrainTimesteps)
            throw new DiffuseException(
                $"number of inference steps must be in [1, {numTrainTimesteps}], got {numInferenceSteps}");
        return spacing switch
        {
            Leading => LeadingSteps(numTrainTimesteps, numInferenceSteps, stepsOffset),
            Trailing => TrailingSteps(numTrainTimesteps, numInferenceSteps),
            Linspace => LinspaceSteps(numTrainTimesteps, numInferenceSteps),
            _ => throw new DiffuseException(
                $"unknown timestep_spacing '{spacing}' (expected {string.Join(", ", Names)})"),
        };
    }

    /// <summary>
    /// The float32 timesteps of diffusers' Euler and Heun schedulers: linspace is <c>np.linspace(0, T − 1, n)</c>
    /// without rounding (fractional), leading and trailing are the integers of <see cref="Make"/>.
    /// </summary>
    public static double[] MakeFloat32(string spacing, int numTrainTimesteps, int numInferenceSteps, int stepsOffset)
    {
        var steps = Make(spacing, numTrainTimesteps, numInferenceSteps, stepsOffset).Select(t => (double)t).ToArray();
        if (spacing != Linspace)
            return steps;
        double stop = numTrainTimesteps - 1;
        double delta = numInferenceSteps > 1 ? stop / (numInferenceSteps - 1) : 0;
        for (int i = 0; i < numInferenceSteps; i++)
        {
            double value = i == numInferenceSteps - 1 && numInferenceSteps > 1 ? stop : i * delta;
            steps[numInferenceSteps - 1 - i] = (float)value;
        }
        return steps;
    }

    // (arange(0, n) * (T // n))[::-1] + steps_offset (DDIM paper's "uniform" skip, Song et al. 2021, §4.2).
    static long[] LeadingSteps(int t, int n, int stepsOffset)
    {
        long ratio = t / n;
        return Enumerable.Range(0, n).Reverse().Select(i => i * ratio + stepsOffset).ToArray();
    }

    // round(arange(T, 0, -T/n)) - 1: numpy's float arange fills start + i·(x_1 − x_0); round is half to even.
    // numpy takes ceil(T/(T/n)) elements, which for some n (e.g. T = 1000, n = 61) is n + 1 with a last
    // timestep of −1; diffusers 0.31 then indexes ᾱ[−1]. We keep the first n, the ones diffusers uses correctly.
    static long[] TrailingSteps(int t, int n)
    {
        double step = -((double)t / n);
        double first = t;
        double delta = (first + step) - first;
        var steps = new long[n];
        for (int i = 0; i < n; i++)
            steps[i] = (long)Math.Round(first + i * delta, MidpointRounding.ToEven) - 1;
        return steps;
    }

    // round(linspace(0, T − 1, n))[::-1]: numpy computes start + i·((stop − start)/(n − 1)) and sets the last
    // element to stop exactly.
    static long[] LinspaceSteps(int t, int n)
    {
        double stop = t - 1;
        var steps = new long[n];
        double delta = n > 1 ? stop / (n - 1) : 0;
        for (int i = 0; i < n; i++)
        {
            double value = i == n - 1 && n > 1 ? stop : i * delta;
            steps[n - 1 - i] = (long)Math.Round(value, MidpointRounding.ToEven);
        }
        return steps;
    }
}
