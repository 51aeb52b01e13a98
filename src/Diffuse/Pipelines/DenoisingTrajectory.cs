using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// Records, at <c>keep</c> evenly spaced steps of a sampling loop (the first and the last included), the sample x_t the
/// step started from and the x̂_0 the model predicted from it: pass <see cref="Record"/> as the loop's onStep. x_t is
/// the sampler's own sample: σ-based samplers (Euler, Heun) hold x_0 + σ·ε unscaled, so their early x_t are mostly
/// clipped noise in a picture.
/// </summary>
public sealed class DenoisingTrajectory : IDisposable
{
    readonly int keep;
    readonly List<Tensor> samples = [];
    readonly List<Tensor> predictions = [];
    readonly List<int> recordedSteps = [];
    Tensor? pending;
    int[]? chosen;

    /// <param name="startingNoise">the noise handed to the loop (before it is scaled by the scheduler's initial sigma)</param>
    public DenoisingTrajectory(IScheduler scheduler, Tensor startingNoise, int keep)
    {
        if (keep < 2) throw new DiffuseException($"--trajectory-steps must be at least 2, the first and the last step (got {keep})");
        this.keep = keep;
        using var noGrad = no_grad();
        pending = (startingNoise * scheduler.InitNoiseSigma).DetachFromDisposeScope();
    }

    /// <summary>Which of <paramref name="count"/> loop steps to show: round(j·(count − 1)/(keep − 1)) for j = 0 … keep − 1.</summary>
    public static int[] ChosenSteps(int count, int keep)
    {
        if (keep > count) throw new DiffuseException($"--trajectory-steps {keep} is more than the {count} steps of the loop");
        if (keep < 2) throw new DiffuseException($"--trajectory-steps must be at least 2, the first and the last step (got {keep})");
        return Enumerable.Range(0, keep).Select(j => (int)Math.Floor(j * (count - 1.0) / (keep - 1) + 0.5)).ToArray();
    }

    /// <summary>Entries of the loop (its steps; Heun and PNDM list some timesteps twice), known after the first step.</summary>
    public int LoopSteps { get; private set; }

    /// <summary>The loop steps recorded so far (0-based).</summary>
    public IReadOnlyList<int> RecordedSteps => recordedSteps;

    /// <summary>Images a row of <see cref="Strip"/>: x_t at each chosen step, then x̂_0 at each.</summary>
    public int Columns => 2 * keep;

    public void Record(DenoisingStep step)
    {
        chosen ??= ChosenSteps(step.Count, keep);
        LoopSteps = step.Count;
        if (Array.IndexOf(chosen, step.Index) >= 0)
        {
            samples.Add(pending ?? throw new InvalidOperationException("trajectory: steps must be recorded in order from the first"));
            predictions.Add(step.PredictedOriginal.detach().clone().DetachFromDisposeScope());
            recordedSteps.Add(step.Index);
            pending = null;
        }
        pending?.Dispose();
        // The next step's x_t is this step's output; the loop disposes it, so keep a copy only when it will be shown.
        pending = Array.IndexOf(chosen, step.Index + 1) >= 0 ? step.Sample.detach().clone().DetachFromDisposeScope() : null;
    }

    /// <summary>[N·2·keep, C, H, W]: row n holds sample n's x_t at the chosen steps, then its x̂_0 at them.</summary>
    public Tensor Strip()
    {
        if (samples.Count != keep)
            throw new DiffuseException($"trajectory: {samples.Count} of {keep} steps recorded (did the loop run to its end?)");
        using var scope = NewDisposeScope();
        var columns = stack([.. samples, .. predictions], dim: 1);   // [N, 2·keep, C, H, W]
        return columns.flatten(0, 1).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        pending?.Dispose();
        foreach (var t in samples.Concat(predictions)) t.Dispose();
    }
}
