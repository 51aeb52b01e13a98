using System.Collections.Concurrent;
using Diffuse.Training;

namespace Diffuse.Server;

/// <summary>
/// Training runs started from the page, one at a time, each a <see cref="TrainingRun"/> on a thread of its own. A stop
/// is the trainer's own cancellation: it ends the current step, saves a checkpoint and returns, so the run resumes
/// exactly (<c>diffuse train --out DIR --resume</c>, or resume from the page). Shutting the server down stops them
/// the same way.
/// </summary>
public sealed class TrainingJobs(StudioOptions options, ILogger<TrainingJobs> logger) : IDisposable
{
    public sealed record RunStatus(string State, int Step, int? TotalSteps, string? Message);

    sealed class Job
    {
        public required CancellationTokenSource Cancel { get; init; }
        public Task Task { get; set; } = Task.CompletedTask;
        public volatile RunStatus Status = new("running", 0, null, null);
    }

    readonly ConcurrentDictionary<string, Job> _jobs = new();
    readonly object _gate = new();

    public RunStatus? Status(string name) => _jobs.TryGetValue(name, out var job) ? job.Status : null;

    public bool AnyRunning => _jobs.Values.Any(j => !j.Task.IsCompleted);

    public void Start(TrainRequest request)
    {
        var root = Path.GetFullPath(options.RunsFolder ?? throw ApiError.NotFound("the training monitor is off: start the server with --runs DIR"));
        var name = request.Name;
        var folder = SafeName.In(root, name)
                     ?? throw ApiError.BadRequest("name must be a folder name of letters, digits, '.', '-' and '_' (not starting with '.')", "name");
        var config = request.Resume ? null : request.ToConfig();
        lock (_gate)
        {
            if (AnyRunning) throw new ApiError(StatusCodes.Status409Conflict, "a training run is already going; stop it first");
            bool exists = TrainingCheckpoint.Latest(folder) is not null;
            if (request.Resume && !exists) throw ApiError.BadRequest($"run '{name}' has no checkpoint to resume", "resume");
            if (!request.Resume && (exists || File.Exists(Path.Combine(folder, LossLog.FileName))))
                throw new ApiError(StatusCodes.Status409Conflict, $"run '{name}' already exists; resume it or choose another name");
            // Made here, not by the training thread, so the run is listed (and described) as soon as this returns.
            Directory.CreateDirectory(folder);
            var job = new Job { Cancel = new CancellationTokenSource() };
            job.Status = new RunStatus("running", 0, config?.Steps ?? request.Steps, null);
            _jobs[name!] = job;
            job.Task = Task.Factory.StartNew(() => Train(job, folder, config, request.Steps), TaskCreationOptions.LongRunning);
        }
    }

    /// <summary>Asks a run started here to stop after its current step (it saves a checkpoint).</summary>
    public void Stop(string name)
    {
        if (!_jobs.TryGetValue(name, out var job) || job.Task.IsCompleted)
            throw new ApiError(StatusCodes.Status409Conflict, $"run '{name}' is not being trained by this server");
        job.Status = job.Status with { State = "stopping" };
        job.Cancel.Cancel();
    }

    void Train(Job job, string folder, TrainConfig? config, int? steps)
    {
        try
        {
            var run = new TrainingRun(folder, p => job.Status = job.Status with { Step = p.Step, TotalSteps = p.TotalSteps },
                                      message => job.Status = job.Status with { Message = message });
            var outcome = config is null ? run.Resume(steps, job.Cancel.Token) : run.Start(config, job.Cancel.Token);
            job.Status = job.Status with
            {
                State = outcome.Finished ? "finished" : "stopped",
                Step = outcome.Step,
                Message = outcome.Finished ? $"model saved to {TrainingRun.FinalModelFolder}/" : $"stopped at step {outcome.Step}; checkpoint saved",
            };
        }
        catch (Exception e)
        {
            if (e is not DiffuseException) logger.LogError(e, "training in {Folder} failed", folder);
            job.Status = job.Status with { State = "failed", Message = e is DiffuseArgumentException a ? $"{a.ParameterName} {a.Problem}" : e.Message.ReplaceLineEndings(" ") };
        }
    }

    public void Dispose()
    {
        foreach (var job in _jobs.Values) job.Cancel.Cancel();
        Task.WaitAll([.. _jobs.Values.Select(j => j.Task)], TimeSpan.FromMinutes(2));
    }
}
