using System.Text.Json;
using Diffuse.Formats;

namespace Diffuse.Training;

/// <summary>
/// The loss history as JSON lines (<c>loss.jsonl</c>), one <see cref="LossRecord"/> per step,
/// flushed as it goes so a crash loses at most a line. On resume, lines past the checkpoint's step
/// are dropped, so the log reads as one uninterrupted run.
/// </summary>
public sealed class LossLog : IDisposable
{
    public const string FileName = "loss.jsonl";
    private readonly StreamWriter _writer;

    public List<LossRecord> Records { get; }

    private LossLog(string path, List<LossRecord> records)
    {
        Records = records;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    /// <summary>Opens the log of a run, keeping only records up to <paramref name="upToStep"/> (0 = start afresh).</summary>
    public static LossLog Open(string runFolder, int upToStep)
    {
        var path = Path.Combine(runFolder, FileName);
        var kept = new List<LossRecord>();
        if (upToStep > 0 && File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                LossRecord? record = null;
                try { record = JsonSerializer.Deserialize<LossRecord>(line); } catch (JsonException) { }
                if (record is not null && record.Step <= upToStep) kept.Add(record);
            }
        }
        AtomicFile.WriteAllText(path, string.Concat(kept.Select(r => JsonSerializer.Serialize(r) + "\n")));
        return new LossLog(path, kept);
    }

    public void Add(LossRecord record)
    {
        Records.Add(record);
        _writer.WriteLine(JsonSerializer.Serialize(record));
    }

    public void Dispose() => _writer.Dispose();
}
