using Diffuse.Folders;
using Diffuse.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// The VAE of a pipeline folder (Stable Diffusion, DiT, SD3) when <c>model_index.json</c> lists one (<c>vae</c> not
/// [null, null]), decoding and encoding as diffusers' pipelines do; pixel-space folders have none, and then samples
/// and images pass through unchanged.
/// </summary>
static class OptionalVae
{
    public static AutoencoderKL? Load(PipelineFolderContents contents, Device? device)
    {
        if (contents.Index?.Components.ContainsKey(StableDiffusionPipeline.VaeFolder) != true) return null;
        var folder = Path.Combine(contents.Folder, StableDiffusionPipeline.VaeFolder);
        if (!Directory.Exists(folder)) throw new DiffuseException($"{contents.Folder}: model_index.json lists a vae but {StableDiffusionPipeline.VaeFolder}/ is missing");
        return ModelFolder.Load(folder, device) as AutoencoderKL ?? throw new DiffuseException($"{contents.Folder}: {StableDiffusionPipeline.VaeFolder}/ does not hold an AutoencoderKL");
    }

    /// <summary>vae.decode(latents / scaling_factor (+ shift)): images in [−1, 1] (diffusers' postprocess maps them to [0, 1]); without a VAE, the samples.</summary>
    public static Tensor Decode(AutoencoderKL? vae, Tensor samples)
    {
        if (vae is null) return samples;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return vae.Decode(vae.UnscaleLatents(samples.to(float32))).MoveToOuterDisposeScope();
    }

    /// <summary>A sample of the posterior of <paramref name="images"/>, scaled as the latents the loop works in (diffusers' img2img <c>prepare_latents</c>); without a VAE, the images.</summary>
    public static Tensor Encode(AutoencoderKL? vae, Tensor images, Generator generator)
    {
        if (vae is null) return images.alias();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var posterior = vae.Encode(images.to(float32));
        return vae.ScaleLatents(posterior.Sample(generator)).MoveToOuterDisposeScope();
    }
}
