namespace Diffuse.Server;

/// <summary>
/// One generation request on its way through a model's queue: its progress (step, the latest preview of the
/// predicted clean image), and at the end the PNG answer and the gallery files, or the refusal. Watchers wait on
/// <see cref="ChangedAsync"/>; the job is cancelled through <see cref="Cancel"/> (a client gone, a cancel request).
/// </summary>
public sealed class GenerationJob(string model, GenerateRequest request, long seed)
{
    readonly object _gate = new();
    TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = Guid.NewGuid().ToString("N")[..12];
    public string Model { get; } = model;
    public GenerateRequest Request { get; } = request;
    public long Seed { get; } = seed;
    public CancellationTokenSource Cancel { get; } = new();
    public DateTime Created { get; } = DateTime.UtcNow;

    public JobState State { get; private set; } = JobState.Queued;
    public int Step { get; private set; }
    public int Steps { get; private set; }
    /// <summary>Changes with every report, so a watcher knows when it has seen the latest.</summary>
    public int Version { get; private set; }
    public byte[]? Preview { get; private set; }
    public byte[]? Png { get; private set; }
    public IReadOnlyList<string> Files { get; private set; } = [];
    public string? Parameters { get; private set; }
    public ApiError? Error { get; private set; }
    public double Seconds { get; private set; }

    public Task Ended => _ended.Task;

    public bool IsFinished => State is JobState.Done or JobState.Failed or JobState.Cancelled;

    public void Started() => Update(() => State = JobState.Running);

    public void Progress(int step, int steps, byte[]? preview) => Update(() =>
    {
        Step = step;
        Steps = steps;
        if (preview is not null) Preview = preview;
    });

    public void Finish(byte[] png, IReadOnlyList<string> files, string parameters, double seconds) => End(JobState.Done, () =>
    {
        Png = png;
        Files = files;
        Parameters = parameters;
        Seconds = seconds;
    });

    public void Fail(ApiError error) => End(JobState.Failed, () => Error = error);

    public void Cancelled() => End(JobState.Cancelled, () => Error = new ApiError(StatusCodes.Status409Conflict, "the job was cancelled"));

    /// <summary>Completes when the job changes past <paramref name="seenVersion"/> (at once if it already has).</summary>
    public Task ChangedAsync(int seenVersion, CancellationToken cancel)
    {
        lock (_gate) return Version != seenVersion ? Task.CompletedTask : _changed.Task.WaitAsync(cancel);
    }

    void End(JobState state, Action set)
    {
        Update(() =>
        {
            if (IsFinished) return;
            set();
            State = state;
        });
        _ended.TrySetResult();
    }

    void Update(Action change)
    {
        TaskCompletionSource fired;
        lock (_gate)
        {
            change();
            Version++;
            fired = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        fired.TrySetResult();
    }
}
