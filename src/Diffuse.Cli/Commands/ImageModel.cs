using Diffuse.Data;
using Diffuse.IO;
using Diffuse.Models;
using Diffuse.Schedules;
using Spectre.Console;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary>What img2img and inpaint share: an image model from a folder, images read at its size, a progress bar.</summary>
internal static class ImageModel
{
    public static (UNet2DModel Model, SchedulerConfig Scheduler) Load(string folder, string command)
    {
        var (unet, scheduler) = LoadUNet(folder, command);
        try { SuperResolutionCheck.Refuse(unet, folder, command); }
        catch
        {
            unet.Dispose();
            throw;
        }
        return (unet, scheduler);
    }

    /// <summary>Any image model, super-resolution ones included (for <c>upscale</c>).</summary>
    public static (UNet2DModel Model, SchedulerConfig Scheduler) LoadUNet(string folder, string command)
    {
        var (module, scheduler) = PipelineFolder.Load(folder);
        if (module is UNet2DModel unet) return (unet, scheduler);
        module.Dispose();
        throw new DiffuseException($"{command} needs an image model (UNet2DModel); {folder} holds a {module.GetType().Name}");
    }

    /// <summary>[1, C, H, W] in [−1, 1], at exactly the model's sample size.</summary>
    public static Tensor ReadImage(string path, UNet2DConfig config, string option)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: {option} file not found");
        var image = ImageDecoder.Decode(path, config.InChannels);
        if (image.shape[2] != config.SampleSize || image.shape[3] != config.SampleSize)
        {
            var message = $"{path}: {option} is {image.shape[3]}×{image.shape[2]} pixels but the model makes {config.SampleSize}×{config.SampleSize} images";
            image.Dispose();
            throw new DiffuseException(message);
        }
        return image;
    }

    public static Tensor WithProgress(string title, Func<Action<Pipelines.DenoisingStep>, Tensor> run)
    {
        Tensor result = null!;
        AnsiConsole.Progress()
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
