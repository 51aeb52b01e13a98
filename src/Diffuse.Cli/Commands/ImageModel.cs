using Diffuse.Data;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Pipelines;
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

    /// <summary>
    /// The denoiser img2img and inpaint run: the model itself if unconditional; for a class-conditional model, class
    /// --class K (guided by --guidance-scale), or with no --class its null class, the unconditional model trained
    /// alongside (Ho &amp; Salimans 2022), so that these edits work with any model.
    /// </summary>
    public static IDenoiser Denoiser(UNet2DModel model, string? classOption, double? guidance, long batch)
    {
        var selection = ClassSelection.For(model, classOption, guidance);
        if (selection is null) return model;
        if (classOption is null)
        {
            if (guidance is not null) throw new DiffuseException("--guidance-scale needs --class (the class to guide towards)");
            return new ClassifierFreeGuidance(model, full(batch, (long)selection.NullClass, dtype: ScalarType.Int64), selection.NullClass, 0);
        }
        if (selection.RowClasses.Count != 1) throw new DiffuseException($"--class takes one class index here (got '{classOption}')");
        return selection.Guide(model, full(batch, (long)selection.RowClasses[0], dtype: ScalarType.Int64));
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
