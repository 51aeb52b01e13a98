using System.Globalization;
using Diffuse.Formats;
using Diffuse.Models;
using Diffuse.Pipelines;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary><c>diffuse sample</c>: generates images (or points) from a model folder's pipeline with the chosen sampler.</summary>
public sealed class SampleCommand(IAnsiConsole console) : Command<SampleSettings>
{
    public override int Execute(CommandContext context, SampleSettings s, CancellationToken cancellationToken)
    {
        var modelFolder = DefaultModel.Resolve(s.Model);
        if (s.Scale <= 0) throw new DiffuseException($"--scale must be positive (got {s.Scale})");
        if (s.Columns is <= 0) throw new DiffuseException($"--columns must be positive (got {s.Columns})");
        if (!s.Out.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new DiffuseException($"--out must name a .png file (got '{s.Out}')");
        if (s.SaveTensor is not null && !s.SaveTensor.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new DiffuseException($"--save-tensor must name a .safetensors file (got '{s.SaveTensor}')");
        if (s.InitNoise is not null && !File.Exists(s.InitNoise)) throw new DiffuseException($"{s.InitNoise}: --init-noise file not found");
        int? trajectorySteps = TrajectorySteps(s);

        using var pipeline = ModelOptions.Load(modelFolder, s.Device, s.DType, s.Config);
        ModelOptions.RefuseSuperResolution(pipeline, modelFolder, "sample");
        if (s.VaeTiling) pipeline.TiledDecoding = true;
        if (trajectorySteps is not null && !pipeline.MakesImages) throw new DiffuseException("--trajectory needs an image model; this one makes 2-D points");
        var asked = new GenerationOptions
        {
            Steps = s.Steps, Scheduler = s.Sampler, Count = s.Count, Seed = s.Seed, Eta = s.Eta,
            GuidanceScale = s.GuidanceScale, GuidanceRescale = s.GuidanceRescale ?? 0, Classes = ModelOptions.Classes(s.Class), NoClip = s.NoClip,
            Prompt = s.Prompt, NegativePrompt = s.NegativePrompt, ClipSkip = s.ClipSkip, Height = s.Height, Width = s.Width,
        };
        asked.Validate();
        using var initialNoise = s.InitNoise is null ? null : SampleTensorFile.Read(s.InitNoise, pipeline.SampleShapeFor(asked));
        using var promptEmbeddings = s.PromptEmbeds is null ? null : TextEmbeddings.Load(s.PromptEmbeds);
        var options = asked with { InitialNoise = initialNoise, PromptEmbeddings = promptEmbeddings };
        foreach (var warning in pipeline.Warnings(options)) console.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
        string sampler = s.Sampler ?? pipeline.SchedulerConfig.ClassName ?? "ddpm";

        DenoisingTrajectory? trajectory = null;
        GenerationResult result = null!;
        try
        {
            console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"{sampler} {s.Steps} steps", maxValue: 1);
                    result = pipeline.Generate(options, step =>
                    {
                        task.MaxValue = step.Count;
                        task.Value = step.Index + 1;
                        if (trajectorySteps is int keep) (trajectory ??= new DenoisingTrajectory(keep)).Record(step);
                    }, cancellationToken);
                });
            int count = (int)result.Samples.shape[0];
            using (result)
            {
                if (s.SaveTensor is not null) SaveTensors(s.SaveTensor, result, Provenance(s, sampler, pipeline.DType));
                result.SavePng(s.Out, s.Columns, s.Scale);
                if (s.Each is not null) result.SaveEach(s.Each);
            }
            if (trajectory is not null)
            {
                using var strip = trajectory.Strip();
                Data.ImageGrid.SavePng(strip, s.Trajectory!, trajectory.Columns, scale: s.Scale);
            }
            var each = s.Each is null ? "" : $" and {count} images in {s.Each}";
            var tensor = s.SaveTensor is null ? "" : $" and {s.SaveTensor}";
            console.MarkupLineInterpolated($"wrote {s.Out}{each}{tensor}");
            // The steps first: a long path may wrap.
            if (trajectory is not null)
                console.MarkupLineInterpolated($"trajectory at steps {string.Join(",", trajectory.RecordedSteps.Select(i => i + 1))} of {trajectory.LoopSteps}: wrote {s.Trajectory}");
        }
        finally
        {
            trajectory?.Dispose();
        }
        return 0;
    }

    /// <summary>
    /// --save-tensor: the samples as tensor "sample"; for a latent model the final latents as "latents" and the decoded
    /// image as "image" in [0, 1], as diffusers' output_type="pt" gives it ((x/2 + 0.5).clamp(0, 1)).
    /// </summary>
    private static void SaveTensors(string path, GenerationResult result, Dictionary<string, string> metadata)
    {
        if (result.Latents is null)
        {
            SampleTensorFile.Write(path, result.Samples, metadata);
            return;
        }
        using var image = (result.Samples / 2 + 0.5).clamp(0, 1);
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["latents"] = result.Latents, ["image"] = image }, metadata);
    }

    /// <summary>How many steps --trajectory shows, or null without it.</summary>
    private static int? TrajectorySteps(SampleSettings s)
    {
        if (s.Trajectory is null)
        {
            if (s.TrajectorySteps is not null) throw new DiffuseException("--trajectory-steps needs --trajectory FILE.png");
            return null;
        }
        if (!s.Trajectory.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new DiffuseException($"--trajectory must name a .png file (got '{s.Trajectory}')");
        if (s.Steps < 2) throw new DiffuseException($"--trajectory needs at least 2 steps to show the first and the last (got --steps {s.Steps})");
        int keep = s.TrajectorySteps ?? Math.Min(10, s.Steps);
        if (keep < 2) throw new DiffuseException($"--trajectory-steps must be at least 2, the first and the last step (got {keep})");
        if (keep > s.Steps) throw new DiffuseException($"--trajectory-steps {keep} is more than --steps {s.Steps}");
        return keep;
    }

    /// <summary>Written into --save-tensor's metadata, so the file says which run produced it.</summary>
    private static Dictionary<string, string> Provenance(SampleSettings s, string sampler, ScalarType dtype)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["model"] = Path.GetFullPath(DefaultModel.Resolve(s.Model)),
            ["sampler"] = sampler,
            ["steps"] = s.Steps.ToString(CultureInfo.InvariantCulture),
            ["eta"] = s.Eta?.ToString("R", CultureInfo.InvariantCulture) ?? "default",
            ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["dtype"] = InferenceDTypes.Name(dtype),
        };
        if (s.GuidanceScale is double scale) metadata["guidance_scale"] = scale.ToString("R", CultureInfo.InvariantCulture);
        if (s.InitNoise is not null) metadata["init_noise"] = Path.GetFullPath(s.InitNoise);
        if (s.Prompt is not null) metadata["prompt"] = s.Prompt;
        if (s.NegativePrompt is not null) metadata["negative_prompt"] = s.NegativePrompt;
        if (s.PromptEmbeds is not null) metadata["prompt_embeds"] = Path.GetFullPath(s.PromptEmbeds);
        return metadata;
    }
}
