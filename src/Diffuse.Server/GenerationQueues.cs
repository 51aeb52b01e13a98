using System.Collections.Concurrent;

namespace Diffuse.Server;

/// <summary>One <see cref="ModelQueue"/> a model, made on its first request; none are taken once the server is stopping (503).</summary>
public sealed class GenerationQueues(StudioOptions options, JobRunner runner, IHostApplicationLifetime lifetime)
{
    readonly ConcurrentDictionary<string, ModelQueue> _queues = new();

    public void Enqueue(GenerationJob job)
    {
        var stopping = lifetime.ApplicationStopping;
        if (stopping.IsCancellationRequested)
            throw new ApiError(StatusCodes.Status503ServiceUnavailable, "the server is shutting down") { RetryAfter = 5 };
        _queues.GetOrAdd(job.Model, _ => new ModelQueue(options.QueueLimit, runner.Run, stopping)).Enqueue(job);
    }
}
