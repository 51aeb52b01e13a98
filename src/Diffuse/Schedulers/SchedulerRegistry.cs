using Diffuse.Schedules;

namespace Diffuse.Schedulers;

/// <summary>
/// Every sampler, found by its diffusers <c>_class_name</c> or a short alias (case-insensitive), in one table. A new
/// scheduler is one file plus one line below. An alias may adjust the config: <c>dpm++</c> pins algorithm_type to
/// dpmsolver++, <c>plms</c> is PNDM with skip_prk_steps.
/// </summary>
public static class SchedulerRegistry
{
    sealed record Entry(string ClassName, Func<SchedulerConfig, IScheduler> Create, string[] Aliases);

    static readonly Entry[] Entries =
    [
        new(DdpmScheduler.DiffusersClassName, c => new DdpmScheduler(c), ["ddpm"]),
        new(DdimScheduler.DiffusersClassName, c => new DdimScheduler(c), ["ddim"]),
        // An alias may set a config key, as diffusers users write it: dpm++ is DPM-Solver with algorithm_type dpmsolver++.
        new(DpmSolverMultistepScheduler.DiffusersClassName,
            c => new DpmSolverMultistepScheduler(c with { AlgorithmType = DpmSolverMultistepScheduler.DpmSolverPlusPlus }), ["dpm++", "dpmsolver++"]),
        new(DpmSolverMultistepScheduler.DiffusersClassName, c => new DpmSolverMultistepScheduler(c), ["dpmsolver_multistep"]),
        new(EulerDiscreteScheduler.DiffusersClassName, c => new EulerDiscreteScheduler(c), ["euler"]),
        new(EulerAncestralDiscreteScheduler.DiffusersClassName, c => new EulerAncestralDiscreteScheduler(c), ["euler_a", "euler_ancestral"]),
        new(HeunDiscreteScheduler.DiffusersClassName, c => new HeunDiscreteScheduler(c), ["heun"]),
        new(PndmScheduler.DiffusersClassName, c => new PndmScheduler(c), ["pndm"]),
        new(PndmScheduler.DiffusersClassName, c => new PndmScheduler(c with { SkipPrkSteps = true }), ["plms"]),
        new(FlowMatchEulerDiscreteScheduler.DiffusersClassName, c => new FlowMatchEulerDiscreteScheduler(c), ["flow_euler"]),
        new(FlowMatchHeunDiscreteScheduler.DiffusersClassName, c => new FlowMatchHeunDiscreteScheduler(c), ["flow_heun"]),
    ];

    /// <summary>The short names, in the order help texts list them.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.SelectMany(e => e.Aliases).ToArray();

    /// <summary>
    /// The short names of the samplers that can sample a model whose saved scheduler is <paramref name="className"/>:
    /// the flow-matching ones for a flow-matching model, the diffusion ones otherwise; all of them when it is unknown.
    /// </summary>
    public static IReadOnlyList<string> NamesFor(string? className) => className is null || Find(className) is not { } model
        ? Names
        : Entries.Where(e => SchedulerConfigJson.IsFlowMatching(e.ClassName) == SchedulerConfigJson.IsFlowMatching(model.ClassName)).SelectMany(e => e.Aliases).ToArray();

    /// <summary>The diffusers class names.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Entries.Select(e => e.ClassName).Distinct().ToArray();

    public static bool IsKnown(string name) => Find(name) is not null;

    /// <summary>The scheduler <paramref name="name"/> (alias or class name) names, built from <paramref name="config"/>.</summary>
    public static IScheduler Create(string name, SchedulerConfig config)
    {
        var entry = Find(name) ?? throw new DiffuseArgumentException("scheduler",
            $"'{name}' is unknown (expected {string.Join(", ", Names)}, or a diffusers class name: {string.Join(", ", ClassNames)})");
        // A flow-matching network predicts a velocity, a diffusion one ε, v or x₀ on a noise schedule: a sampler of the
        // other family would read its output as the wrong thing and return noise, so the two never mix, with one
        // exception. DDIM's deterministic step, x' = α'·x̂₀ + σ'·ε̂, written for the flow process x_σ = (1 − σ)·x₀ + σ·ε
        // (x̂₀ = x − σ·v, ε̂ = x + (1 − σ)·v) is x' = x + (σ' − σ)·v, flow_euler's step: "ddim" on a flow model is that.
        if (config.ClassName is { } saved && Find(saved) is { } model
            && SchedulerConfigJson.IsFlowMatching(model.ClassName) is var flowModel && flowModel != SchedulerConfigJson.IsFlowMatching(entry.ClassName))
        {
            if (flowModel && entry.ClassName == DdimScheduler.DiffusersClassName)
                return new FlowMatchEulerDiscreteScheduler(config);
            var family = NamesFor(saved);
            throw new DiffuseArgumentException("scheduler", flowModel
                ? $"'{name}' samples a diffusion model, but this model was trained for flow matching ({saved}); use {string.Join(" or ", family)} (ddim runs as flow_euler)"
                : $"'{name}' samples a flow-matching model, but this model was trained for diffusion ({saved}); use one of {string.Join(", ", family)}");
        }
        return entry.Create(config);
    }

    /// <summary>The scheduler a config's <c>_class_name</c> names.</summary>
    public static IScheduler FromConfig(SchedulerConfig config) => config.ClassName is { } className
        ? Create(className, config)
        : throw new DiffuseException($"scheduler config has no _class_name; name a scheduler ({string.Join(", ", Names)})");

    /// <summary>By alias, else by class name: the entry that takes the config as it is (the first entry of a class sets nothing for DDPM and DDIM; for DPM-Solver and PNDM the plain one is listed under the class's own alias).</summary>
    static Entry? Find(string name) =>
        Entries.FirstOrDefault(e => e.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase))
        ?? Plain.FirstOrDefault(e => e.ClassName.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The entries that take a config as it is, one a class.</summary>
    static readonly Entry[] Plain = Entries.Where(e => e.Aliases[0] is not ("dpm++" or "plms")).ToArray();
}
