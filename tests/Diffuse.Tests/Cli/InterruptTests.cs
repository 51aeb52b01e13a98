using System.Diagnostics;
using Diffuse.Folders;
using Diffuse.Training;

namespace Diffuse.Tests.Cli;

/// <summary>Real signals to a real `diffuse train` process: SIGKILL mid-checkpoint and SIGINT (Ctrl-C).</summary>
[Collection(GlobalRngCollection.Name)]    // the killed run is resumed in this process, and a Trainer seeds the global generator
public sealed class InterruptTests
{
    private static Process StartTraining(string run, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Diffuse.Cli.dll"), "train", "--data", "moons", "--out", run, "--steps", "100000", "--sample-every", "0" }.Concat(extra))
            start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"waited 60 s for {what}");
            Thread.Sleep(20);
        }
    }

    [Fact]
    public void Killing_the_process_while_it_writes_checkpoints_leaves_the_newest_complete_one_loadable()
    {
        using var temp = new TempFolder();
        var random = new Random(7);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var run = temp.File($"run{attempt}");
            // A checkpoint every step: most of the process's time is spent writing one, so the kill lands mid-write.
            using var process = StartTraining(run, "--checkpoint-every", "1");
            WaitFor(() => TrainingCheckpoint.All(run).Count >= 2, "two checkpoints");
            Thread.Sleep(random.Next(0, 40));
            process.Kill();
            process.WaitForExit();

            var latest = TrainingCheckpoint.Latest(run);
            Assert.NotNull(latest);
            var contents15 = PipelineFolder.Read(latest); var model = contents15.Network;
            model.Dispose();
            int step = int.Parse(Path.GetFileName(latest)[TrainingCheckpoint.Prefix.Length..]);
            var resumed = new TrainingRun(run).Resume(step + 2, CancellationToken.None);
            Assert.True(resumed.Finished);
            Assert.Equal(step + 2, resumed.Step);
        }
    }

    [Theory]
    [InlineData("-INT")]     // Ctrl-C
    [InlineData("-TERM")]    // kill, a container stop
    public void An_interrupt_saves_a_checkpoint_and_exits_cleanly(string signal)
    {
        using var temp = new TempFolder();
        var run = temp.File("run");
        using var process = StartTraining(run, "--checkpoint-every", "0");
        try
        {
            WaitFor(() => File.Exists(Path.Combine(run, LossLog.FileName)) && new FileInfo(Path.Combine(run, LossLog.FileName)).Length > 2000, "some steps");
            if (signal == "-INT" && SigIntIgnoredByParent())
            {
                // A background job of a non-interactive shell inherits SIGINT ignored, and must keep it so (Ctrl-C in the
                // shell is not meant for it): the run goes on, and SIGTERM then stops it the same clean way.
                Send("-INT", process);
                Assert.False(process.WaitForExit(3_000), "SIGINT is ignored here, yet the process stopped");
                signal = "-TERM";
            }
            Send(signal, process);
            Assert.True(process.WaitForExit(60_000), $"the process did not stop after kill {signal}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        Assert.Equal(130, process.ExitCode);
        var latest = TrainingCheckpoint.Latest(run);
        Assert.NotNull(latest);
        var lastLogged = File.ReadLines(Path.Combine(run, LossLog.FileName)).Count();
        Assert.EndsWith($"{TrainingCheckpoint.Prefix}{lastLogged:D6}", latest);
    }

    static void Send(string signal, Process process)
    {
        using var kill = Process.Start("kill", [signal, process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>Whether this process (and so the child it starts) has SIGINT ignored: bit 2 of SigIgn in /proc/self/status.</summary>
    static bool SigIntIgnoredByParent()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:"));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }
}
