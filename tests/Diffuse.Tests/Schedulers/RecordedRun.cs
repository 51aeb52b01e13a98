using Diffuse.Formats;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedulers;

/// <summary>
/// A diffusers sampler run recorded in shared/interop/tiny-gray/expected (see its README): the scheduler class, its
/// effective config and init_noise_sigma from the safetensors <c>__metadata__</c>, and the tensors. Replaying feeds
/// the recorded model outputs to a scheduler and compares every step of the trajectory ("How to compare", 2).
/// </summary>
public sealed class RecordedRun : IDisposable
{
    readonly Dictionary<string, Tensor> tensors;
    readonly Tensor noise;

    public RecordedRun(string file)
    {
        string path = Fixtures.Expected(file);
        var metadata = SafetensorsFile.ReadMetadata(path);
        SchedulerClass = metadata["scheduler_class"];
        Config = SchedulerConfigJson.Parse(metadata["effective_scheduler_config"], file);
        InitNoiseSigma = double.Parse(metadata["init_noise_sigma"], System.Globalization.CultureInfo.InvariantCulture);
        Steps = int.Parse(metadata["num_inference_steps"], System.Globalization.CultureInfo.InvariantCulture);
        tensors = Fixtures.Load(path);
        var noiseFile = Fixtures.Load(Fixtures.Expected("noise.safetensors"));
        noise = noiseFile["sample"];
    }

    public string SchedulerClass { get; }
    public SchedulerConfig Config { get; }
    public double InitNoiseSigma { get; }
    public int Steps { get; }

    /// <summary>The recorded tensor <paramref name="name"/> (<c>sample</c>, <c>trajectory</c>, <c>model_outputs</c>, <c>timesteps</c>).</summary>
    public Tensor this[string name] => tensors[name];

    /// <summary>The start noise of every recorded run.</summary>
    public Tensor Noise => noise;

    /// <summary>The recorded <c>sched.timesteps</c> (int64 or float32) as doubles.</summary>
    public double[] Timesteps => tensors["timesteps"].to(float64).data<double>().ToArray();

    /// <summary>
    /// Runs <paramref name="scheduler"/> (after SetTimesteps) from noise·InitNoiseSigma on the recorded model outputs
    /// and returns, per step, max|x_i − trajectory_i| / max(1, max|trajectory_i|).
    /// </summary>
    public double[] Replay(IScheduler scheduler)
    {
        var timesteps = scheduler.Timesteps;
        var diffs = new double[timesteps.Length];
        var x = (noise * scheduler.InitNoiseSigma).DetachFromDisposeScope();
        for (int i = 0; i < timesteps.Length; i++)
        {
            using var scope = NewDisposeScope();
            using var modelInput = scheduler.ScaleModelInput(x, timesteps[i]);
            using var output = scheduler.Step(tensors["model_outputs"][i], timesteps[i], x);
            var expected = tensors["trajectory"][i];
            double scale = Math.Max(1.0, expected.abs().max().item<float>());
            diffs[i] = output.PrevSample.sub(expected).abs().max().item<float>() / scale;
            x.Dispose();
            x = output.PrevSample.clone().DetachFromDisposeScope();
        }
        x.Dispose();
        return diffs;
    }

    public void Dispose()
    {
        foreach (var t in tensors.Values) t.Dispose();
        noise.Dispose();
    }
}
