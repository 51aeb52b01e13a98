using System.Diagnostics;
using Diffuse.Data;
using Diffuse.Folders;
using Diffuse.Evaluation;
using Diffuse.Pipelines;
using Diffuse.Models;
using Diffuse.Schedules;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary>
/// <c>diffuse nll</c>: the negative log-likelihood bound of a model on real data, in bits/dim (Ho et al. 2020,
/// eq. 5 and Table 1), with its standard error over images and the prior, transition and decoder terms.
/// </summary>
public sealed class NllCommand(IAnsiConsole console) : Command<NllSettings>
{
    public override int Execute(CommandContext context, NllSettings s, CancellationToken cancellationToken)
    {
        var modelFolder = DefaultModel.Resolve(s.Model);
        if (s.Count < 2) throw new DiffuseException($"--count must be at least 2 (got {s.Count})");
        if (s.Batch <= 0) throw new DiffuseException($"--batch must be positive (got {s.Batch})");
        if (s.TimestepSamples is <= 0) throw new DiffuseException($"--timestep-samples must be positive (got {s.TimestepSamples})");
        if (s.Out is not null && !s.Out.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            throw new DiffuseException($"--out must name a .json file (got '{s.Out}')");
        var clock = Stopwatch.StartNew();

        using var pipeline = ModelOptions.Load(modelFolder, s.Device);
        ModelOptions.RefuseSuperResolution(pipeline, modelFolder, "nll");
        var schedulerConfig = pipeline.SchedulerConfig;
        var (x0, labels, labelKind, decoder) = LoadData(pipeline, s);
        using var disposeData = x0;
        using var disposeLabels = labels;
        using var bound = new VariationalBound(pipeline.Denoiser, schedulerConfig, decoder);
        if (s.TimestepSamples is int k && k > bound.NumTrainTimesteps - 1)
            throw new DiffuseException($"--timestep-samples must be at most {bound.NumTrainTimesteps - 1}, the model's number of transition terms (got {k})");

        VariationalBoundTerms terms = null!;
        using var generator = new Generator().manual_seed(s.Seed);
        var what = s.TimestepSamples is int sampled ? $"{sampled} of {bound.NumTrainTimesteps - 1} transition timesteps" : $"all {bound.NumTrainTimesteps} timesteps";
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"bound of {s.Count} images, {what}", maxValue: 1);
                terms = bound.Evaluate(x0, labels, s.Batch, s.TimestepSamples, generator, (done, all) => { task.MaxValue = all; task.Value = done; });
            });

        var total = MeanWithError.Of(terms.Total);
        var prior = MeanWithError.Of(terms.Prior);
        var transitions = MeanWithError.Of(terms.Transitions);
        var decoderTerm = MeanWithError.Of(terms.Decoder);
        var report = new LikelihoodReport
        {
            Model = Path.GetFullPath(modelFolder), Data = s.Data, Count = s.Count, Seed = s.Seed,
            Decoder = decoder == LikelihoodDecoder.Discretized8Bit ? "discretized_8bit" : "continuous_gaussian",
            ClassLabels = labelKind, NumTrainTimesteps = bound.NumTrainTimesteps, VarianceType = schedulerConfig.VarianceType,
            SampledTimesteps = s.TimestepSamples, EvaluationsPerImage = bound.EvaluationsPerImage(s.TimestepSamples),
            BitsPerDim = total.Mean, BitsPerDimStandardError = total.StandardError,
            Prior = prior.Mean, PriorStandardError = prior.StandardError,
            Transitions = transitions.Mean, TransitionsStandardError = transitions.StandardError,
            DecoderTerm = decoderTerm.Mean, DecoderStandardError = decoderTerm.StandardError,
            ByTimestep = terms.ByTimestep, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        var outPath = s.Out ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelFolder).TrimEnd(Path.DirectorySeparatorChar))!, "nll.json");
        report.Save(outPath);

        // Short lines: Spectre wraps at 80 columns when the output is redirected.
        console.MarkupLineInterpolated($"NLL bound, {s.Count} images: [bold]{total.Mean:F4} ± {total.StandardError:F4}[/] bits/dim");
        if (s.TimestepSamples is int used)
            console.MarkupLineInterpolated($"estimate: transitions from {used} of {bound.NumTrainTimesteps - 1} timesteps per image");
        var table = new Table().AddColumns("term", "bits/dim", "± s.e.");
        table.AddRow("prior L_T", $"{prior.Mean:F5}", $"{prior.StandardError:F5}");
        table.AddRow($"transitions Σ L_t-1, t = 2..{bound.NumTrainTimesteps}", $"{transitions.Mean:F4}", $"{transitions.StandardError:F4}");
        table.AddRow(decoder == LikelihoodDecoder.Discretized8Bit ? "decoder L_0 (discretised)" : "decoder L_0 (density)", $"{decoderTerm.Mean:F4}", $"{decoderTerm.StandardError:F4}");
        console.Write(table);
        if (decoder == LikelihoodDecoder.ContinuousGaussian)
            console.MarkupLine("continuous data: the decoder term is a density, so these bits/dim can be negative and depend on the data's scale");
        console.MarkupLineInterpolated($"wrote {outPath} ({report.Seconds:F0} s)");
        return 0;
    }

    /// <summary>The images (or toy points) to measure, the labels to give the model, and how to read the decoder.</summary>
    static (Tensor X0, Tensor? Labels, string? LabelKind, LikelihoodDecoder Decoder) LoadData(DiffusionPipeline pipeline, NllSettings s)
    {
        using var generator = new Generator().manual_seed(s.Seed);
        if (!pipeline.MakesImages)
        {
            if (!Toy2D.IsToyName(s.Data))
                throw new DiffuseException($"{DefaultModel.Resolve(s.Model)} is a 2-D toy model: --data must be one of {string.Join(", ", Toy2D.Names)} (got '{s.Data}')");
            if (s.Conditional) throw new DiffuseException("--conditional needs a class-conditional model; a toy model has no classes");
            return (Toy2D.Sample(s.Data, s.Count, generator), null, null, LikelihoodDecoder.ContinuousGaussian);
        }
        var shape = pipeline.SampleShape;
        using var data = DatasetLoader.Load(s.Data, (int)shape[1], (int)shape[0]);
        if (data.Count < s.Count) throw new DiffuseException($"{s.Data}: holds {data.Count} images, fewer than --count {s.Count}");
        using var order = randperm(data.Count, generator: generator);
        using var chosen = order.narrow(0, 0, s.Count);
        var images = data.Data.index_select(0, chosen);
        if (pipeline.ClassCount is not int classes)
        {
            if (s.Conditional) { images.Dispose(); throw new DiffuseException("--conditional needs a class-conditional model; this one is unconditional"); }
            return (images, null, null, LikelihoodDecoder.Discretized8Bit);
        }
        if (s.Conditional)
        {
            if (data.Labels is null) { images.Dispose(); throw new DiffuseException($"--conditional needs labelled data: '{s.Data}' has no labels"); }
            var labels = data.Labels.index_select(0, chosen);
            long max = labels.max().item<long>();
            if (max >= classes) { images.Dispose(); labels.Dispose(); throw new DiffuseException($"{s.Data}: label {max} is outside the model's classes 0..{classes - 1}"); }
            return (images, labels, "data_labels", LikelihoodDecoder.Discretized8Bit);
        }
        // A class-conditional pipeline's null class is its class count: the unconditional model trained alongside.
        return (images, full(s.Count, (long)classes, dtype: int64), "null_class", LikelihoodDecoder.Discretized8Bit);
    }
}
