using System.Globalization;
using System.Text.Json.Nodes;
using Diffuse.Data;
using Diffuse.Folders;
using Diffuse.Formats;
using Diffuse.Models;
using Diffuse.Pipelines;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// Training an <see cref="AutoencoderKL"/> (Rombach et al. 2022, §3 and appendix G; Kingma &amp; Welling 2014): the
/// image through the encoder's posterior, a sample of it through the decoder, the squared error plus
/// <c>kl_weight</c> times the KL divergence to N(0, I), in the proportion of the latent-diffusion autoencoder's loss
/// (the per-image sum of errors against 10⁻⁶ times the per-image KL sum; here both divided by the pixels, so the
/// logged loss reads as a mean squared error). The adversarial and perceptual terms of the original are left out: at
/// 28×28 the squared error alone reconstructs sharply. Saving writes <c>vae/</c> with <c>scaling_factor</c> set to
/// 1 / the standard deviation of the training latents, as Rombach et al. chose 0.18215 for SD, and
/// <c>metrics.json</c> with the PSNR on the held-out images.
/// </summary>
public sealed class AutoencoderObjective(ImageDataset heldOut, ImageDataset training, double klWeight) : ITrainingObjective
{
    public const string MetricsFile = "metrics.json";

    public ImageDataset HeldOut { get; } = heldOut;

    public Tensor Loss(nn.Module model, TrainingBatch batch, Generator generator)
    {
        var vae = (AutoencoderKL)model;
        var x = batch.Examples;
        using var posterior = vae.Encode(x);
        var reconstruction = vae.Decode(posterior.Sample(generator));
        var squaredError = (reconstruction - x).square().mean();
        var kl = 0.5 * (posterior.Mean.square() + posterior.LogVar.exp() - 1 - posterior.LogVar).flatten(1).sum(1).mean();
        long pixels = x[0].numel();
        return squaredError + klWeight * kl / pixels;
    }

    /// <summary>PSNR in dB of the posterior mode's reconstruction of the held-out images (peak-to-peak 2 in [−1, 1]).</summary>
    public double HeldOutPsnr(AutoencoderKL vae)
    {
        using var noGrad = no_grad();
        double squared = 0;
        long count = 0;
        for (long start = 0; start < HeldOut.Count; start += 256)
        {
            using var scope = NewDisposeScope();
            var images = HeldOut.Data.narrow(0, start, Math.Min(256, HeldOut.Count - start));
            using var posterior = vae.Encode(images);
            var reconstruction = vae.Decode(posterior.Mode()).clamp(-1, 1);
            squared += (reconstruction - images).square().sum().item<float>();
            count += images.numel();
        }
        return 10 * Math.Log10(4.0 / (squared / count));
    }

    public void Save(nn.Module model, string folder)
    {
        var vae = (AutoencoderKL)model;
        var vaeFolder = Path.Combine(folder, StableDiffusionPipeline.VaeFolder);
        Directory.CreateDirectory(vaeFolder);
        (vae.Config with { ScalingFactor = ScalingFactor(vae) }).Save(Path.Combine(vaeFolder, ModelFolder.ConfigFile));
        SafetensorsWeights.Save(vae, Path.Combine(vaeFolder, ModelFolder.SafetensorsFile));
        var metrics = new JsonObject { ["held_out_psnr_db"] = HeldOutPsnr(vae), ["held_out_images"] = HeldOut.Count };
        AtomicFile.WriteAllText(Path.Combine(folder, MetricsFile), metrics.ToJsonString() + "\n");
    }

    /// <summary>1 / the standard deviation of posterior samples of up to 1024 training images (a fixed seed).</summary>
    private double ScalingFactor(AutoencoderKL vae)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var generator = new Generator().manual_seed(0);
        var images = training.Data.narrow(0, 0, Math.Min(1024, training.Count));
        using var posterior = vae.Encode(images);
        double std = posterior.Sample(generator).std().item<float>();
        return std > 0 ? 1 / std : 1;
    }

    /// <summary>Held-out originals beside their reconstructions (posterior mode), 8 pairs a row, and the PSNR in a JSON file beside.</summary>
    public void WritePreview(nn.Module model, string path)
    {
        var vae = (AutoencoderKL)model;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var originals = HeldOut.Data.narrow(0, 0, Math.Min(32, HeldOut.Count));
        using var posterior = vae.Encode(originals);
        var reconstructions = vae.Decode(posterior.Mode()).clamp(-1, 1);
        ComparisonGrid.SavePng([originals, reconstructions], path, groupsPerRow: 8);
        var psnr = new JsonObject { ["held_out_psnr_db"] = HeldOutPsnr(vae) };
        AtomicFile.WriteAllText(Path.ChangeExtension(path, ".json"), psnr.ToJsonString() + "\n");
    }
}
