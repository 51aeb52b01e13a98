using Diffuse.Schedulers;
using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Bench;

/// <summary>Experiment: DDIM inversion with the model told the sample's own level (t_{k−1}) instead of the target t_k.</summary>
public sealed class CurrentLevelInverse(SchedulerConfig config) : IScheduler
{
    readonly DdimInverseScheduler inner = new(config);
    double[] targets = [];
    int index;

    public SchedulerConfig Config => inner.Config;
    public NoiseSchedule Schedule => inner.Schedule;
    public double InitNoiseSigma => 1.0;
    public int Order => 1;
    public bool CanStartPartWay => false;
    public Tensor AddNoise(Tensor originalSamples, Tensor noise, int stepIndex) => throw new NotSupportedException("an inversion cannot start part-way");
    public double[] Timesteps => targets.Select((t, k) => k == 0 ? t : targets[k - 1]).ToArray();

    public void SetTimesteps(int numInferenceSteps)
    {
        inner.SetTimesteps(numInferenceSteps);
        targets = inner.Timesteps;
        index = 0;
    }

    public Tensor ScaleModelInput(Tensor sample, double timestep) => sample.alias();

    public SchedulerStepOutput Step(Tensor modelOutput, double timestep, Tensor sample, torch.Generator? generator = null) =>
        inner.Step(modelOutput, targets[index++], sample);

    public void Dispose() => inner.Dispose();
}
