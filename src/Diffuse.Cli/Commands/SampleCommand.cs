using Diffuse.Data;
using Diffuse.IO;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary><c>diffuse sample</c>: generates images from a model folder with the chosen sampler.</summary>
public sealed class SampleCommand : Command<SampleSettings>
{
    public override int Execute(CommandContext context, SampleSettings s, CancellationToken cancellationToken)
    {
        if (s.Steps <= 0) throw new DiffuseException($"--steps must be positive (got {s.Steps})");
        if (s.Count <= 0) throw new DiffuseException($"--count must be positive (got {s.Count})");
        if (!(s.Eta >= 0)) throw new DiffuseException($"--eta must be 0 or more (got {s.Eta})");
        if (s.Scale <= 0) throw new DiffuseException($"--scale must be positive (got {s.Scale})");
        if (s.Columns is <= 0) throw new DiffuseException($"--columns must be positive (got {s.Columns})");
        if (!s.Out.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new DiffuseException($"--out must name a .png file (got '{s.Out}')");

        var (module, schedulerConfig) = PipelineFolder.Load(s.Model);
        using var model = module;
        using var scheduler = SchedulerFactory.Create(s.Sampler, schedulerConfig);
        if (scheduler is DdimScheduler ddim) ddim.Eta = s.Eta;
        else if (s.Eta != 0) throw new DiffuseException($"--eta applies to the ddim sampler only (got --sampler {s.Sampler})");

        using var generator = new Generator().manual_seed(s.Seed);
        long[] shape = model is UNet2DModel unet
            ? [s.Count, unet.Config.InChannels, unet.Config.SampleSize, unet.Config.SampleSize]
            : [s.Count, ((ToyMlp)model).Config.InFeatures];
        using var noise = randn(shape, generator: generator);

        Tensor samples = null!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"{s.Sampler} {s.Steps} steps", maxValue: 1);
                samples = DenoisingLoop.Run((IDenoiser)model, scheduler, noise, s.Steps, generator,
                    onStep: step => { task.MaxValue = step.Count; task.Value = step.Index + 1; });
            });
        using (samples)
        {
            if (model is ToyMlp) PointCloudPlot.SavePng(samples, s.Out);
            else
            {
                ImageGrid.SavePng(samples, s.Out, s.Columns, scale: s.Scale);
                if (s.Each is not null) ImageGrid.SaveEach(samples, s.Each, "sample");
            }
        }
        var each = s.Each is null ? "" : $" and {s.Count} images in {s.Each}";
        AnsiConsole.MarkupLineInterpolated($"wrote {s.Out}{each}");
        return 0;
    }
}
