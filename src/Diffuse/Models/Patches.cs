using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>The inverse of patchify: tokens [B, h·w, p·p·C] back to an image [B, C, h·p, w·p] (diffusers' einsum "nhwpqc->nchpwq").</summary>
static class Patches
{
    public static Tensor Unpatchify(Tensor tokens, long h, long w, int p, int channels)
    {
        using var scope = NewDisposeScope();
        long b = tokens.shape[0];
        return tokens.reshape(b, h, w, p, p, channels).permute(0, 5, 1, 3, 2, 4).reshape(b, channels, h * p, w * p)
            .MoveToOuterDisposeScope();
    }

    /// <summary>One timestep per sample: a single one expanded to the batch, or checked to be one per sample.</summary>
    public static Tensor PerSample(Tensor timesteps, long batch, Device device)
    {
        if (timesteps.dim() > 1 || (timesteps.dim() == 1 && timesteps.shape[0] != 1 && timesteps.shape[0] != batch))
            throw new DiffuseArgumentException("timesteps", $"must hold one timestep or one per sample (got shape [{string.Join(", ", timesteps.shape)}] for {batch} samples)");
        return timesteps.to(device).reshape(-1).expand(batch);
    }

    /// <summary>Checks an image's side: positive multiples of the patch size.</summary>
    public static void CheckSample(Tensor sample, int channels, int patch, string network)
    {
        if (sample.dim() != 4) throw new DiffuseArgumentException("sample", $"must be [batch, channels, height, width] (got shape [{string.Join(", ", sample.shape)}])");
        if (sample.shape[1] != channels) throw new DiffuseException($"{network} takes {channels} input channels, got {sample.shape[1]}");
        if (sample.shape[2] % patch != 0 || sample.shape[3] % patch != 0)
            throw new DiffuseArgumentException("sample", $"is {sample.shape[2]}×{sample.shape[3]}, not a multiple of the patch size {patch}");
    }
}
