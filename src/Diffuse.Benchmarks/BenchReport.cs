using System.Text.Json;
using Diffuse.Formats;

namespace Diffuse.Benchmarks;

/// <summary>Everything one <c>diffuse bench</c> run measured, with the machine and settings, written as JSON.</summary>
public sealed record BenchReport
{
    public required DateTimeOffset Started { get; init; }
    public required double Seconds { get; init; }
    public required string Machine { get; init; }
    public required CpuPeak? Peak { get; init; }
    public required int IntraOpThreads { get; init; }
    public required int InteropThreads { get; init; }
    public required int Warmups { get; init; }
    public required int MinRepeats { get; init; }
    public required int MaxRepeats { get; init; }
    public required double BudgetSeconds { get; init; }
    public required double TargetPercent { get; init; }
    public required IReadOnlyList<string> Notes { get; init; }
    public required IReadOnlyList<BenchRow> Rows { get; init; }
    /// <summary>The Stable Diffusion cases, each measured alone after the others (empty when none was asked for).</summary>
    public IReadOnlyList<DenoiserRow> DenoiserRows { get; init; } = [];
    /// <summary>The training recipes (UNet/DiT × ε/flow), timed interleaved with each other (empty when none was asked for).</summary>
    public IReadOnlyList<RecipeRow> RecipeRows { get; init; } = [];

    /// <summary>A rate as a percentage of the machine's peak, or null when the peak is unknown.</summary>
    public double? PeakPercent(double gflops) => Peak is null ? null : 100 * gflops / Peak.PeakGflops;

    /// <summary>The share of the bfloat16 peak (<see cref="CpuPeak.BFloat16PeakGflops"/>).</summary>
    public double? BFloat16PeakPercent(double gflops) => Peak is null ? null : 100 * gflops / Peak.BFloat16PeakGflops;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    public static BenchReport Load(string path) =>
        JsonSerializer.Deserialize<BenchReport>(File.ReadAllText(path), Json) ?? throw new DiffuseException($"{path}: empty bench report");
}
