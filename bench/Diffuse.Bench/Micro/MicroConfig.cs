using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;

namespace Diffuse.Bench.Micro;

/// <summary>
/// A short job run in this process (no generated project to build: a build costs minutes on 2 shared
/// cores): 1 launch, 2 warm-up and 5 measured iterations. Tensors work is milliseconds per call, so a
/// few iterations give a median; the machine's other load, not the iteration count, limits precision.
/// Results go to bench/results/micro as GitHub markdown and brief JSON.
/// </summary>
public sealed class MicroConfig : ManualConfig
{
    public MicroConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5)
            .WithToolchain(InProcessNoEmitToolchain.Instance).WithId("short-in-process"));
        AddLogger(ConsoleLogger.Default);
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
        AddExporter(MarkdownExporter.GitHub, JsonExporter.Brief);
        WithArtifactsPath(Path.Combine("bench", "results", "micro"));
        WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
    }
}
