using System.Globalization;
using Diffuse.Schedulers;
using Diffuse.Schedules;

namespace Diffuse.Evaluation;

/// <summary>One row of a sampler sweep: a sampler name (as for <c>diffuse sample --sampler</c>) and its step count.</summary>
public sealed record SweepRow(string Sampler, int Steps)
{
    /// <summary>The rows of the DDIM paper's Table 1 (Song et al. 2021) plus the fast ODE solvers: DDPM 1000; DDIM 10, 20, 50,
    /// 100; DPM-Solver++ 10, 20; Euler 20; Heun 10.</summary>
    public static IReadOnlyList<SweepRow> Defaults { get; } =
    [
        new("ddpm", 1000), new("ddim", 10), new("ddim", 20), new("ddim", 50), new("ddim", 100),
        new("dpm++", 10), new("dpm++", 20), new("euler", 20), new("heun", 10),
    ];

    /// <summary>For a flow-matching model: flow Euler at 10, 20 and 50 steps (50 is DDIM's 50 for it) and flow Heun at 10.</summary>
    public static IReadOnlyList<SweepRow> FlowDefaults { get; } =
    [
        new("flow_euler", 10), new("flow_euler", 20), new("flow_euler", 50), new("flow_heun", 10),
    ];

    /// <summary>The default rows for a model whose saved scheduler config is <paramref name="config"/>.</summary>
    public static IReadOnlyList<SweepRow> DefaultsFor(SchedulerConfig config) =>
        SchedulerConfigJson.IsFlowMatching(config) ? FlowDefaults : Defaults;

    /// <summary>Rows written as <c>SAMPLER:STEPS,SAMPLER:STEPS,…</c>, e.g. <c>ddim:10,dpm++:20</c>; every sampler name is checked.</summary>
    public static IReadOnlyList<SweepRow> Parse(string spec)
    {
        var rows = new List<SweepRow>();
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = part.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(part[(colon + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out int steps))
                throw new DiffuseArgumentException("rows", $"'{part}' is not SAMPLER:STEPS (e.g. ddim:20)");
            if (steps <= 0) throw new DiffuseArgumentException("rows", $"'{part}': steps must be positive");
            var sampler = part[..colon];
            if (!SchedulerRegistry.IsKnown(sampler))   // an unknown name fails here, before any work
                throw new DiffuseArgumentException("rows", $"'{part}': unknown sampler '{sampler}' (expected {string.Join(", ", SchedulerRegistry.Names)})");
            rows.Add(new SweepRow(sampler, steps));
        }
        if (rows.Count == 0) throw new DiffuseArgumentException("rows", $"no rows given (e.g. ddim:10,dpm++:20)");
        return rows;
    }

    public override string ToString() => $"{Sampler}:{Steps}";
}
