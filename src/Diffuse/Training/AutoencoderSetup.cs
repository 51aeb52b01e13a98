using Diffuse.Data;
using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// Turns a <c>--task autoencoder</c> config into a plan: the images (any <c>--data</c>: an image folder, a captioned
/// folder's images, an IDX file), the last tenth (at most 500) held out for PSNR, and an <see cref="AutoencoderKL"/>
/// of diffusers' config whose downscaling is 2^(levels − 1).
/// </summary>
public static class AutoencoderSetup
{
    /// <summary>The preset's autoencoder: 3 levels (a 4× smaller latent side), 4 latent channels, attention in the middle.</summary>
    public static AutoencoderKLConfig Config(string preset, int channels, int size)
    {
        int[] widths = preset switch
        {
            ModelPresets.Tiny => [32, 32, 64],
            ModelPresets.Default => [32, 64, 64],
            ModelPresets.Small => [64, 128, 128],
            _ => throw new DiffuseException($"unknown model preset '{preset}' (expected {string.Join(", ", ModelPresets.Names)})"),
        };
        return new AutoencoderKLConfig
        {
            InChannels = channels,
            OutChannels = channels,
            BlockOutChannels = widths,
            DownBlockTypes = widths.Select(_ => "DownEncoderBlock2D").ToArray(),
            UpBlockTypes = widths.Select(_ => "UpDecoderBlock2D").ToArray(),
            LayersPerBlock = 1,
            LatentChannels = 4,
            NormNumGroups = 16,
            SampleSize = size,
        };
    }

    public static TrainingPlan Prepare(TrainConfig config)
    {
        int size = config.ImageSize ?? DatasetLoader.DefaultSize(config.Data);
        if (Directory.Exists(config.Data) && config.ImageSize is null) size = FirstImageSize(config.Data) ?? size;
        using var images = DatasetLoader.Load(config.Data, size);
        int heldOut = Math.Min(500, images.Count / 10);
        if (heldOut < 1) throw new DiffuseArgumentException("data", $"'{config.Data}' holds {images.Count} images; an autoencoder needs at least 10 (a tenth is held out)");
        var training = new ImageDataset(images.Data.narrow(0, 0, images.Count - heldOut).clone());
        var held = new ImageDataset(images.Data.narrow(0, images.Count - heldOut, heldOut).clone());
        var vaeConfig = Config(config.Model, images.Channels, size);
        return new TrainingPlan(new ImageTrainingData(training, config.RandomFlip), () => new AutoencoderKL(vaeConfig), null)
        {
            Objective = new AutoencoderObjective(held, training, config.KlWeight),
        };
    }

    /// <summary>The shorter side of the first image of a folder, so 28-pixel images stay 28 pixels.</summary>
    private static int? FirstImageSize(string folder)
    {
        var first = Directory.EnumerateFiles(folder).Where(f => ImageFolderLoader.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).FirstOrDefault();
        if (first is null) return null;
        using var image = ImageDecoder.Decode(first, 3);
        return (int)Math.Min(image.shape[2], image.shape[3]);
    }
}
