using System.Text.Json;
using Diffuse.Training;

namespace Diffuse.Server;

/// <summary>
/// The runs folder as <c>diffuse train</c> writes it (loss.jsonl, samples/step-N.png, loss.png, samples.png,
/// checkpoint-N/, model/), read while training goes on: the loss log is read with sharing, and a last line still
/// being written is skipped until it is whole. Files are named by run and file name from the listing only.
/// </summary>
public sealed class RunMonitor(StudioOptions options, TrainingJobs training)
{
    public bool Enabled => options.RunsFolder is not null;

    public string Folder => Path.GetFullPath(options.RunsFolder ?? throw Disabled());

    public IReadOnlyList<RunInfo> List()
    {
        var root = new DirectoryInfo(Folder);
        if (!root.Exists) return [];
        return root.EnumerateDirectories().Where(d => SafeName.IsValid(d.Name) && IsRun(d.FullName))
            .OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => Describe(d.Name)).ToList();
    }

    public RunInfo Describe(string name)
    {
        var folder = RunFolder(name);
        var losses = Losses(name, 0);
        var status = training.Status(name);
        int? total = status?.TotalSteps;
        if (total is null && TrainingCheckpoint.Latest(folder) is { } latest)
        {
            try { total = TrainingCheckpoint.ReadConfig(latest).Steps; } catch (DiffuseException) { }
        }
        var samples = Path.Combine(folder, TrainingRun.SamplesFolder);
        var previews = Directory.Exists(samples)
            ? Directory.EnumerateFiles(samples, "step-*.png").Select(Path.GetFileName).Where(SafeName.IsValid).Order(StringComparer.Ordinal)
                .Select(f => $"/runs/{name}/samples/{f}").ToList()
            : [];
        return new RunInfo
        {
            Name = name,
            Step = losses.Count > 0 ? losses[^1].Step : 0,
            TotalSteps = total,
            LastLoss = losses.Count > 0 ? losses[^1].Loss : null,
            State = status?.State,
            Message = status?.Message,
            HasModel = Directory.Exists(Path.Combine(folder, TrainingRun.FinalModelFolder)),
            Previews = previews,
            LossPlot = File.Exists(Path.Combine(folder, TrainingRun.LossPlotFile)) ? $"/runs/{name}/{TrainingRun.LossPlotFile}" : null,
            Samples = File.Exists(Path.Combine(folder, TrainingRun.FinalSamplesFile)) ? $"/runs/{name}/{TrainingRun.FinalSamplesFile}" : null,
        };
    }

    /// <summary>The loss records from the <paramref name="from"/>-th on (0: all).</summary>
    public IReadOnlyList<LossRecord> Losses(string name, int from)
    {
        var path = Path.Combine(RunFolder(name), LossLog.FileName);
        var records = new List<LossRecord>();
        if (!File.Exists(path)) return records;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        int index = 0;
        while (reader.ReadLine() is { } line)
        {
            if (index++ < from) continue;
            try { if (JsonSerializer.Deserialize<LossRecord>(line) is { } record) records.Add(record); }
            catch (JsonException) { break; }
        }
        return records;
    }

    /// <summary>A file a run shows (loss.png, samples.png, samples/step-N.png), or null for anything else.</summary>
    public string? FilePath(string name, string? sub, string file)
    {
        var folder = RunFolder(name);
        if (sub is null && file is TrainingRun.LossPlotFile or TrainingRun.FinalSamplesFile) return SafeName.In(folder, file);
        if (sub == TrainingRun.SamplesFolder && file.StartsWith("step-", StringComparison.Ordinal) && file.EndsWith(".png", StringComparison.Ordinal))
            return SafeName.In(Path.Combine(folder, TrainingRun.SamplesFolder), file);
        return null;
    }

    /// <summary>The folder of a run that exists: 404 for any other name.</summary>
    public string RunFolder(string name)
    {
        var folder = SafeName.In(Folder, name);
        if (folder is null || !Directory.Exists(folder) || !IsRun(folder) && training.Status(name) is null)
            throw ApiError.NotFound($"no run '{name}' in the runs folder");
        return folder;
    }

    static bool IsRun(string folder) =>
        File.Exists(Path.Combine(folder, LossLog.FileName)) || TrainingCheckpoint.Latest(folder) is not null
        || Directory.Exists(Path.Combine(folder, TrainingRun.FinalModelFolder));

    static ApiError Disabled() => ApiError.NotFound("the training monitor is off: start the server with --runs DIR");
}
