using BenchmarkDotNet.Attributes;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Bench.Micro;

/// <summary>
/// The cost of a scheduler's own arithmetic per step, without any network: a 10-step loop on a batch
/// of 64 Fashion-MNIST-sized samples with a fixed model output, reported per step.
/// </summary>
public class SchedulerStepBenchmarks
{
    private const int Steps = 10;
    private IScheduler _scheduler = null!;
    private Tensor _noise = null!;
    private Tensor _modelOutput = null!;

    [Params("ddim", "dpm++")]
    public string Sampler { get; set; } = "ddim";

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        _scheduler = SchedulerRegistry.Create(Sampler, new SchedulerConfig { ClassName = "DDPMScheduler", BetaSchedule = "squaredcos_cap_v2" });
        _noise = randn(64, 1, 28, 28);
        _modelOutput = randn(64, 1, 28, 28);
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public void Step()
    {
        using var noGrad = no_grad();
        _scheduler.SetTimesteps(Steps);
        var sample = _noise.clone();
        foreach (var t in _scheduler.Timesteps)
        {
            using var scope = NewDisposeScope();
            var next = _scheduler.Step(_modelOutput, t, sample).PrevSample.DetachFromDisposeScope();
            sample.Dispose();
            sample = next;
        }
        sample.Dispose();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scheduler.Dispose();
        _noise.Dispose();
        _modelOutput.Dispose();
    }
}
