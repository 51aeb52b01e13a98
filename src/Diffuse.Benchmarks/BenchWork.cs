namespace Diffuse.Benchmarks;

/// <summary>
/// One piece of work to time, set up and ready: a training step, a forward pass or a sampling loop of
/// one case. It owns what it runs on (model, optimizer, inputs) and frees it when disposed.
/// </summary>
public sealed class BenchWork(string caseName, string part, Action run, params IDisposable?[] owned) : IDisposable
{
    public const string TrainPart = "training step";
    public const string ForwardPart = "forward";
    public const string SamplingPart = "sampling";

    /// <summary>The name of a part run in a narrower float type, e.g. "training step (bfloat16)".</summary>
    public static string Narrow(string part, string dtype) => $"{part} ({dtype})";

    public string Case { get; } = caseName;
    public string Part { get; } = part;

    /// <summary>Untimed calls before the first timed one.</summary>
    public int Warmups { get; private set; }

    /// <summary>Fewest timed calls, whatever the time budget.</summary>
    public int MinRepeats { get; private set; } = 1;

    /// <summary>Most timed calls, however wide the median's interval still is.</summary>
    public int MaxRepeats { get; private set; } = 1;

    /// <summary>Sets how often this work is called, and returns it.</summary>
    public BenchWork With(int warmups, (int Min, int Max) repeats)
    {
        (Warmups, MinRepeats, MaxRepeats) = (warmups, repeats.Min, repeats.Max);
        return this;
    }

    public void Run() => run();

    public void Dispose()
    {
        foreach (var item in owned) item?.Dispose();
    }
}
