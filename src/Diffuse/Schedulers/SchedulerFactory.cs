using Diffuse.Schedules;

namespace Diffuse.Schedulers;

/// <summary>
/// Builds a scheduler by sampler name or diffusers class name (case-insensitive). <c>dpm++</c> and
/// <c>dpmsolver++</c> pin algorithm_type to dpmsolver++, <c>plms</c> is PNDM with skip_prk_steps; the other names
/// take the config as it is.
/// </summary>
public static class SchedulerFactory
{
    public static IReadOnlyList<string> Names { get; } =
        ["ddpm", "ddim", "dpm++", "dpmsolver++", "dpmsolver_multistep", "euler", "euler_a", "euler_ancestral", "heun", "pndm", "plms"];

    public static IReadOnlyList<string> ClassNames { get; } =
    [
        DdpmScheduler.DiffusersClassName, DdimScheduler.DiffusersClassName, DpmSolverMultistepScheduler.DiffusersClassName,
        EulerDiscreteScheduler.DiffusersClassName, EulerAncestralDiscreteScheduler.DiffusersClassName,
        HeunDiscreteScheduler.DiffusersClassName, PndmScheduler.DiffusersClassName,
    ];

    public static IScheduler Create(string name, SchedulerConfig config) => name.ToLowerInvariant() switch
    {
        "ddpm" or "ddpmscheduler" => new DdpmScheduler(config),
        "ddim" or "ddimscheduler" => new DdimScheduler(config),
        "dpm++" or "dpmsolver++" => new DpmSolverMultistepScheduler(config with { AlgorithmType = DpmSolverMultistepScheduler.DpmSolverPlusPlus }),
        "dpmsolver_multistep" or "dpmsolvermultistepscheduler" => new DpmSolverMultistepScheduler(config),
        "euler" or "eulerdiscretescheduler" => new EulerDiscreteScheduler(config),
        "euler_a" or "euler_ancestral" or "eulerancestraldiscretescheduler" => new EulerAncestralDiscreteScheduler(config),
        "heun" or "heundiscretescheduler" => new HeunDiscreteScheduler(config),
        "pndm" or "pndmscheduler" => new PndmScheduler(config),
        "plms" => new PndmScheduler(config with { SkipPrkSteps = true }),
        _ => throw new DiffuseException(
            $"unknown sampler '{name}' (expected {string.Join(", ", Names)}, or a diffusers class name: {string.Join(", ", ClassNames)})"),
    };

    /// <summary>The scheduler a config's <c>_class_name</c> names.</summary>
    public static IScheduler FromConfig(SchedulerConfig config) => config.ClassName is { } className
        ? Create(className, config)
        : throw new DiffuseException($"scheduler config has no _class_name; pass a sampler name ({string.Join(", ", Names)})");
}
