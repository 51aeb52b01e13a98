using Diffuse.Schedules;

namespace Diffuse.Schedulers;

/// <summary>Builds a scheduler by sampler name (<c>ddpm</c>, <c>ddim</c>) or diffusers class name.</summary>
public static class SchedulerFactory
{
    public static IReadOnlyList<string> Names { get; } = ["ddpm", "ddim"];

    public static IScheduler Create(string name, SchedulerConfig config) => name.ToLowerInvariant() switch
    {
        "ddpm" or "ddpmscheduler" => new DdpmScheduler(config),
        "ddim" or "ddimscheduler" => new DdimScheduler(config),
        "euler" or "eulerdiscretescheduler" => new EulerDiscreteScheduler(config),
        "dpmsolver_multistep" or "dpmsolvermultistepscheduler" => new DpmSolverMultistepScheduler(config),
        "pndm" or "pndmscheduler" => new PndmScheduler(config),
        "plms" => new PndmScheduler(config with { SkipPrkSteps = true }),
        _ => throw new DiffuseException($"unknown sampler '{name}' (expected {string.Join(", ", Names)})"),
    };

    /// <summary>The scheduler a config's <c>_class_name</c> names.</summary>
    public static IScheduler FromConfig(SchedulerConfig config) => config.ClassName is { } className
        ? Create(className, config)
        : throw new DiffuseException("scheduler config has no _class_name; pass a sampler name (ddpm, ddim)");
}
