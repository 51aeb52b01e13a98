using Diffuse.Data;
using Diffuse.Evaluation;
using Diffuse.Formats;
using Diffuse.Pipelines;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

/// <summary>
/// <c>diffuse eval-prompts</c>: how often a text-to-image model's images show the garment and the colour asked for,
/// held-out and seen pairs apart, beside the same measure on real tinted images and the Fréchet distance.
/// </summary>
public sealed class EvalPromptsCommand(IAnsiConsole console) : Command<EvalPromptsSettings>
{
    public override int Execute(CommandContext context, EvalPromptsSettings s, CancellationToken cancellationToken)
    {
        if (s.Out is not null && !s.Out.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            throw new DiffuseException($"--out must name a .json file (got '{s.Out}')");
        var prompts = PromptAdherenceEvaluation.DefaultPrompts(s.Prompts);
        foreach (var prompt in prompts)
            if (FashionColours.Parse(prompt) is null)
                throw new DiffuseException($"--prompts: '{prompt}' is not \"a {{colour}} {{garment}}\" with one of the 8 colours and 10 garments");
        using var classifier = ClassifierFolder.Load(s.Classifier);
        using var pipeline = ModelOptions.Load(s.Model, s.Device);
        using var real = s.Real is null ? null : CaptionedFolderLoader.Load(s.Real, size: (int)pipeline.ImageShape[1]);
        var options = new GenerationOptions { Scheduler = s.Sampler, Steps = s.Steps, Seed = s.Seed, GuidanceScale = s.GuidanceScale };
        var model = s.Model ?? "default";
        if (s.Grid is not null && !s.Grid.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new DiffuseException($"--grid must name a .png file (got '{s.Grid}')");
        var rows = new List<TorchSharp.torch.Tensor>();
        int columns = Math.Min(8, s.Count);
        var report = PromptAdherenceEvaluation.Run(pipeline, model, classifier, prompts, s.Count, options, real,
            prompt => console.MarkupLineInterpolated($"[grey]{prompt}[/]"),
            (_, images) => { if (s.Grid is not null) rows.Add(images.narrow(0, 0, columns).clone()); });
        if (s.Grid is not null)
        {
            using var grid = TorchSharp.torch.cat(rows, 0);
            ImageGrid.SavePng(grid, s.Grid, columns: columns, scale: 2);
            foreach (var row in rows) row.Dispose();
            console.MarkupLineInterpolated($"wrote {s.Grid} (one row a prompt: {string.Join("; ", prompts)})");
        }

        var table = new Table().AddColumns("prompts", "images", "garment", "colour", "both");
        void Row(PromptScore score, string? name = null) => table.AddRow(Markup.Escape(name ?? score.Prompt + (score.HeldOut ? " (held out)" : "")),
            score.Count.ToString(), $"{score.GarmentAccuracy:P1}", $"{score.ColourAccuracy:P1}", $"{score.BothAccuracy:P1}");
        foreach (var p in report.Prompts) Row(p);
        if (report.HeldOut.Count > 0) Row(report.HeldOut, "held-out pairs");
        if (report.Seen.Count > 0) Row(report.Seen, "seen pairs");
        if (report.RealHeldOut is { Count: > 0 } rh) Row(rh, "real images, held-out pairs (ceiling)");
        if (report.RealSeen is { Count: > 0 } rs) Row(rs, "real images, seen pairs (ceiling)");
        console.Write(table);
        if (report.FrechetDistance is double fd)
        {
            var floor = report.FrechetFloor is double f ? $"; real vs real floor {f:F2}" : "";
            console.MarkupLineInterpolated($"Fréchet distance (classifier features of the brightness, {report.FrechetCount} images): {fd:F2}{floor}");
        }
        console.MarkupLineInterpolated($"{prompts.Count} prompts × {s.Count} images, {s.Sampler} {s.Steps} steps, guidance {report.GuidanceScale}, in {report.Seconds:F0} s");
        if (s.Out is not null)
        {
            AtomicFile.WriteAllText(s.Out, report.ToJson() + "\n");
            console.MarkupLineInterpolated($"wrote {s.Out}");
        }
        return 0;
    }
}
