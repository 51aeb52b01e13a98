using System.Collections.Concurrent;

namespace Diffuse.Server;

/// <summary>The jobs a client can still ask about, by id; the oldest finished ones are forgotten past the limit.</summary>
public sealed class JobStore(StudioOptions options)
{
    readonly ConcurrentDictionary<string, GenerationJob> _jobs = new();

    public void Add(GenerationJob job)
    {
        _jobs[job.Id] = job;
        var finished = _jobs.Values.Where(j => j.IsFinished).OrderBy(j => j.Created).ToList();
        foreach (var old in finished.Take(Math.Max(0, finished.Count - options.JobsKept))) _jobs.TryRemove(old.Id, out _);
    }

    public IReadOnlyCollection<GenerationJob> All => [.. _jobs.Values];

    public GenerationJob Get(string id) =>
        _jobs.TryGetValue(id, out var job) ? job : throw ApiError.NotFound($"no job '{id}' (finished jobs are kept for a while only)");
}
