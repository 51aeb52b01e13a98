namespace Diffuse.Schedulers;

/// <summary>
/// Where in its timesteps a σ-based sampler starts: diffusers' <c>index_for_timestep</c>. After the first step the
/// samplers count steps themselves, so a timestep listed twice (Heun) is told apart by position, not value.
/// </summary>
static class StepIndex
{
    /// <summary>The first match, or the second if the timestep is listed twice (Euler, Heun).</summary>
    public static int Find(double[] timesteps, double timestep, string sampler)
    {
        var matches = Matches(timesteps, timestep);
        return matches.Count switch
        {
            0 => throw new DiffuseException(
                $"{sampler}: timestep {timestep} is not one of the scheduler's timesteps (call SetTimesteps and pass its Timesteps in order)"),
            1 => matches[0],
            _ => matches[1],
        };
    }

    /// <summary>As <see cref="Find"/>, but a timestep not in the list means the last step (DPM-Solver).</summary>
    public static int FindOrLast(double[] timesteps, double timestep)
    {
        var matches = Matches(timesteps, timestep);
        return matches.Count switch { 0 => timesteps.Length - 1, 1 => matches[0], _ => matches[1] };
    }

    static List<int> Matches(double[] timesteps, double timestep) =>
        Enumerable.Range(0, timesteps.Length).Where(i => timesteps[i] == timestep).ToList();
}
