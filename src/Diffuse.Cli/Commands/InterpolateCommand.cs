using Diffuse.Data;
using Diffuse.Evaluation;
using Diffuse.Pipelines;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary>
/// <c>diffuse interpolate</c>: DDIM-invert two images, walk the great circle between their noises (Song et al. 2021, §5.3)
/// and decode each point with DDIM (η = 0). The strip is A | frames | B; the end frames are the reconstructions of A and B.
/// </summary>
public sealed class InterpolateCommand(IAnsiConsole console) : Command<InterpolateSettings>
{
    public override int Execute(CommandContext context, InterpolateSettings s, CancellationToken cancellationToken)
    {
        var modelFolder = DefaultModel.Resolve(s.Model);
        if (s.From is null) throw new DiffuseException("--from is required");
        if (s.To is null) throw new DiffuseException("--to is required");
        if (s.Frames < 2) throw new DiffuseException($"--frames must be at least 2, the two ends (got {s.Frames})");
        if (s.Steps <= 0) throw new DiffuseException($"--steps must be positive (got {s.Steps})");
        if (s.Scale <= 0) throw new DiffuseException($"--scale must be positive (got {s.Scale})");
        if (!s.Out.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new DiffuseException($"--out must name a .png file (got '{s.Out}')");

        using var pipeline = ImageModel.Load(modelFolder, s.Device, "interpolate");
        var model = pipeline.Denoiser;
        var schedulerConfig = s.Clip ? pipeline.SchedulerConfig : DdimInversion.Unclipped(pipeline.SchedulerConfig);
        using var a = InversionInput.ReadImage(s.From, pipeline, "--from");
        using var b = InversionInput.ReadImage(s.To, pipeline, "--to");
        var classIndex = InversionInput.Class(pipeline, s.Class);
        using var ends = cat([a, b]);
        var endLabels = InversionInput.Conditioning(classIndex, 2);
        using var noise = ImageModel.WithProgress(console, $"inverting 2 images, {s.Steps} DDIM steps",
            onStep => DdimInversion.Invert(model, schedulerConfig, ends, s.Steps, endLabels, onStep));
        using var noiseA = noise[0];
        using var noiseB = noise[1];
        using var path = SphericalInterpolation.Frames(noiseA, noiseB, s.Frames);
        var frameLabels = InversionInput.Conditioning(classIndex, s.Frames);
        using var frames = ImageModel.WithProgress(console, $"decoding {s.Frames} frames, {s.Steps} DDIM steps",
            onStep => DdimInversion.Reconstruct(model, schedulerConfig, path, s.Steps, frameLabels, onStep));
        using var strip = cat([a, frames, b]);
        ImageGrid.SaveStrip(strip, s.Out, scale: s.Scale);

        using var first = frames.narrow(0, 0, 1);
        using var last = frames.narrow(0, s.Frames - 1, 1);
        console.MarkupLineInterpolated($"reconstruction of --from: {ReconstructionError.Of(a, first)}");
        console.MarkupLineInterpolated($"reconstruction of --to: {ReconstructionError.Of(b, last)}");
        console.MarkupLineInterpolated($"{s.Frames} frames, {s.Steps} DDIM steps{InversionInput.Describe(classIndex)}: wrote {s.Out}");
        return 0;
    }
}
