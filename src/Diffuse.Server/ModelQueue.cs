using System.Threading.Channels;

namespace Diffuse.Server;

/// <summary>
/// One model's jobs, run one at a time on a thread of their own (torch's dispose scopes belong to a thread), with at
/// most <see cref="StudioOptions.QueueLimit"/> waiting or running: past that a request is refused with 429 and a
/// Retry-After from the recent job times. A job that fails ends alone; the worker goes on with the next.
/// </summary>
public sealed class ModelQueue
{
    readonly Channel<GenerationJob> _jobs = Channel.CreateUnbounded<GenerationJob>();
    readonly int _limit;
    readonly Action<GenerationJob> _run;
    int _pending;
    double _recentSeconds = 1;

    public ModelQueue(int limit, Action<GenerationJob> run, CancellationToken stopping)
    {
        _limit = limit;
        _run = run;
        Worker = Task.Factory.StartNew(() => Work(stopping), stopping, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public Task Worker { get; }

    public int Pending => Volatile.Read(ref _pending);

    public void Enqueue(GenerationJob job)
    {
        if (Interlocked.Increment(ref _pending) > _limit)
        {
            Interlocked.Decrement(ref _pending);
            int wait = (int)Math.Ceiling(Math.Max(1, _recentSeconds * _limit));
            throw new ApiError(StatusCodes.Status429TooManyRequests, $"model '{job.Model}' has {_limit} jobs waiting or running; try again in {wait} s") { RetryAfter = wait };
        }
        _jobs.Writer.TryWrite(job);
    }

    void Work(CancellationToken stopping)
    {
        try
        {
            while (_jobs.Reader.WaitToReadAsync(stopping).AsTask().GetAwaiter().GetResult())
            {
                while (_jobs.Reader.TryRead(out var job))
                {
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    try { _run(job); }
                    finally
                    {
                        Interlocked.Decrement(ref _pending);
                        _recentSeconds = 0.7 * _recentSeconds + 0.3 * clock.Elapsed.TotalSeconds;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        // Whatever is still queued at shutdown ends as cancelled, so no client waits for ever.
        while (_jobs.Reader.TryRead(out var left)) left.Cancelled();
    }
}
