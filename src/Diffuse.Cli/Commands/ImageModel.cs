using Diffuse.Data;
using Diffuse.Pipelines;
using Spectre.Console;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary>What the image-editing commands share: an image model's pipeline, images read at its size, a progress bar.</summary>
internal static class ImageModel
{
    /// <summary>The pipeline of --model for a command that edits images: one that makes images from noise.</summary>
    public static DiffusionPipeline Load(string folder, string? device, string command, string? config = null)
    {
        var pipeline = ModelOptions.Load(folder, device, config: config);
        try
        {
            ModelOptions.RefuseSuperResolution(pipeline, folder, command);
            if (!pipeline.MakesImages) throw new DiffuseException($"{command} needs an image model; {folder} makes 2-D points");
        }
        catch
        {
            pipeline.Dispose();
            throw;
        }
        return pipeline;
    }

    /// <summary>[1, C, H, W] in [−1, 1], at exactly the model's sample size.</summary>
    public static Tensor ReadImage(string path, DiffusionPipeline pipeline, string option)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: {option} file not found");
        long channels = pipeline.ImageShape[0], size = pipeline.ImageShape[1];
        var image = ImageDecoder.Decode(path, (int)channels);
        if (pipeline.TakesImageSize)
        {
            if (image.shape[2] % 8 == 0 && image.shape[3] % 8 == 0) return image;
            var odd = $"{path}: {option} is {image.shape[3]}×{image.shape[2]} pixels; this model takes sides that are multiples of 8";
            image.Dispose();
            throw new DiffuseException(odd);
        }
        if (image.shape[2] != size || image.shape[3] != size)
        {
            var message = $"{path}: {option} is {image.shape[3]}×{image.shape[2]} pixels but the model makes {size}×{size} images";
            image.Dispose();
            throw new DiffuseException(message);
        }
        return image;
    }

    public static Tensor WithProgress(IAnsiConsole console, string title, Func<Action<DenoisingStep>, Tensor> run)
    {
        Tensor result = null!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: 1);
                result = run(step => { task.MaxValue = step.Count; task.Value = step.Index + 1; });
            });
        return result;
    }
}
