using System.Globalization;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Schedules;
using Diffuse.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

/// <summary><c>diffuse info</c>: what a model folder holds: network, size, scheduler, training state.</summary>
public sealed class InfoCommand : Command<InfoSettings>
{
    public override int Execute(CommandContext context, InfoSettings s, CancellationToken cancellationToken)
    {
        var modelFolder = DefaultModel.Resolve(s.Model);
        var (module, scheduler) = PipelineFolder.Load(modelFolder);
        using var model = module;
        long parameters = model.parameters().Sum(p => p.numel());

        var table = new Table().AddColumns("", "").HideHeaders();
        table.AddRow("folder", Markup.Escape(Path.GetFullPath(modelFolder)));
        switch (model)
        {
            case UNet2DModel unet:
                var c = unet.Config;
                table.AddRow("network", "UNet2DModel");
                table.AddRow("sample", $"{c.InChannels}×{c.SampleSize}×{c.SampleSize}");
                table.AddRow("levels", Markup.Escape(string.Join(", ", c.BlockOutChannels.Zip(c.DownBlockTypes, (ch, t) => $"{t} {ch}"))));
                table.AddRow("layers per block", c.LayersPerBlock.ToString(CultureInfo.InvariantCulture));
                table.AddRow("mid attention", c.AddAttention ? "yes" : "no");
                if (c.NumClassEmbeds is int k) table.AddRow("classes", k.ToString(CultureInfo.InvariantCulture));
                if (c.SuperresScale is int scale)
                    table.AddRow("super-resolution", $"×{scale}: {c.SampleSize / scale}×{c.SampleSize / scale} → {c.SampleSize}×{c.SampleSize}, low-res image as {c.InChannels - c.OutChannels} extra input channels (diffuse upscale)");
                break;
            case ToyMlp toy:
                table.AddRow("network", $"ToyMlp ({toy.Config.HiddenLayers}×{toy.Config.HiddenSize})");
                break;
        }
        table.AddRow("parameters", parameters.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("scheduler", Markup.Escape($"{scheduler.ClassName}: {scheduler.NumTrainTimesteps} steps, {scheduler.BetaSchedule}, {scheduler.PredictionType}"));
        if (File.Exists(Path.Combine(modelFolder, "trainer", "state.json")))
        {
            var config = TrainingCheckpoint.ReadConfig(modelFolder);
            table.AddRow("training", Markup.Escape($"checkpoint of a run: data {config.Data}, {config.Steps} steps planned, batch {config.Batch}, lr {config.LearningRate}"));
        }
        AnsiConsole.Write(table);
        return 0;
    }
}
