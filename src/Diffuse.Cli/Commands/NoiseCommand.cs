using System.Globalization;
using Diffuse.Data;
using Diffuse.Schedules;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary>
/// <c>diffuse noise</c>: one image along the forward process, x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε at the chosen t,
/// written as a strip (the picture every diffusion tutorial draws).
/// </summary>
public sealed class NoiseCommand(IAnsiConsole console) : Command<NoiseSettings>
{
    public override int Execute(CommandContext context, NoiseSettings s, CancellationToken cancellationToken)
    {
        if (!s.Out.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new DiffuseException($"--out must name a .png file (got '{s.Out}')");
        var config = new SchedulerConfig { NumTrainTimesteps = s.NumTrainTimesteps, BetaSchedule = s.Schedule };
        config.Validate();
        var steps = ParseTimesteps(s.Timesteps, s.NumTrainTimesteps);

        int size = s.ImageSize ?? DatasetLoader.DefaultSize(s.Data);
        using var data = DatasetLoader.Load(s.Data, size);
        long count = data.Data.shape[0];
        if (s.Index < 0 || s.Index >= count) throw new DiffuseException($"--index {s.Index} is outside the data set's {count} images");

        using var scope = NewDisposeScope();
        using var schedule = NoiseSchedule.FromConfig(config);
        var x0 = data.Data[s.Index].unsqueeze(0).expand(steps.Length, -1, -1, -1);
        using var generator = new Generator().manual_seed(s.Seed);
        var noise = randn(data.Data[s.Index].shape, generator: generator).unsqueeze(0).expand(steps.Length, -1, -1, -1);
        var xt = schedule.AddNoise(x0, noise, tensor(steps));
        ImageGrid.SaveStrip(xt, s.Out, scale: 3);

        var table = new Table().AddColumns("t", "ᾱ_t", "signal √ᾱ_t", "noise √(1−ᾱ_t)");
        foreach (var t in steps)
        {
            double ab = schedule.AlphaCumprodAt(t);
            table.AddRow(t.ToString(CultureInfo.InvariantCulture), ab.ToString("F4", CultureInfo.InvariantCulture),
                         Math.Sqrt(ab).ToString("F4", CultureInfo.InvariantCulture), Math.Sqrt(1 - ab).ToString("F4", CultureInfo.InvariantCulture));
        }
        console.Write(table);
        console.MarkupLineInterpolated($"wrote {s.Out}");
        return 0;
    }

    private static long[] ParseTimesteps(string list, int numTrainTimesteps)
    {
        var parts = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new DiffuseException("--timesteps needs at least one timestep");
        return parts.Select(p =>
        {
            if (!long.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) || t < 0 || t >= numTrainTimesteps)
                throw new DiffuseException($"--timesteps: '{p}' is not a timestep in [0, {numTrainTimesteps})");
            return t;
        }).ToArray();
    }
}
