using Diffuse.Schedules;

namespace Diffuse.Schedulers;

/// <summary>A sampler of a DDPM's discrete β schedule (DDPM, DDIM, DPM-Solver, Euler, Heun, PNDM): it owns its <see cref="NoiseSchedule"/>.</summary>
public interface IBetaScheduler : IScheduler
{
    NoiseSchedule Schedule { get; }
}
