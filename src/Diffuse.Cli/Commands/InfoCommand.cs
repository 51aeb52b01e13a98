using System.Globalization;
using Diffuse.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

/// <summary><c>diffuse info</c>: what a model folder holds — its pipeline, network, size, scheduler, and the run that made it.</summary>
public sealed class InfoCommand(IAnsiConsole console) : Command<InfoSettings>
{
    public override int Execute(CommandContext context, InfoSettings s, CancellationToken cancellationToken)
    {
        var modelFolder = DefaultModel.Resolve(s.Model, "MODEL_DIR");
        using var pipeline = ModelOptions.Load(modelFolder, device: null);
        long parameters = pipeline.Network.parameters().Sum(p => p.numel());
        var scheduler = pipeline.SchedulerConfig;

        var table = new Table().AddColumns("", "").HideHeaders();
        table.AddRow("folder", Markup.Escape(Path.GetFullPath(modelFolder)));
        foreach (var (name, value) in pipeline.Describe()) table.AddRow(Markup.Escape(name), Markup.Escape(value));
        table.AddRow("parameters", parameters.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("scheduler", Markup.Escape(Schedules.SchedulerConfigJson.IsFlowMatching(scheduler)
            ? $"{scheduler.ClassName}: {scheduler.NumTrainTimesteps} steps, rectified flow (velocity), shift {scheduler.Shift ?? 1}"
              + (scheduler.UseDynamicShifting == true ? ", dynamic shifting" : "")
            : $"{scheduler.ClassName}: {scheduler.NumTrainTimesteps} steps, {scheduler.BetaSchedule}, {scheduler.PredictionType}"));
        if (File.Exists(Path.Combine(modelFolder, "trainer", "state.json")))
        {
            var config = TrainingCheckpoint.ReadConfig(modelFolder);
            table.AddRow("training", Markup.Escape($"checkpoint of a run: data {config.Data}, {config.Steps} steps planned, batch {config.Batch}, lr {config.LearningRate}"));
        }
        console.Write(table);
        return 0;
    }
}
