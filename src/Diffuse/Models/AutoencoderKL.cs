using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The KL-regularised autoencoder of latent diffusion (Rombach et al. 2022) as diffusers' <c>AutoencoderKL</c> (v0.31.0)
/// builds it, with the same state-dict keys (<c>encoder.*</c>, <c>quant_conv</c>, <c>post_quant_conv</c>, <c>decoder.*</c>):
/// <see cref="Encode"/> gives the posterior over latents, <see cref="Decode"/> an image. Tiled encoding and decoding
/// (diffusers' <c>enable_tiling</c>) is opt-in through <see cref="UseTiling"/>.
/// </summary>
public sealed class AutoencoderKL : nn.Module<Tensor, Tensor>, IDiffusersModel
{
    private readonly VaeEncoder encoder;
    private readonly VaeDecoder decoder;
    private readonly Conv2d? quant_conv;
    private readonly Conv2d? post_quant_conv;

    public AutoencoderKLConfig Config { get; }

    public AutoencoderKL(AutoencoderKLConfig config) : base(nameof(AutoencoderKL))
    {
        config.Validate();
        Config = config;
        encoder = new VaeEncoder(config);
        decoder = new VaeDecoder(config);
        int latent = config.LatentChannels;
        if (config.UseQuantConv) quant_conv = nn.Conv2d(2 * latent, 2 * latent, 1);
        if (config.UsePostQuantConv) post_quant_conv = nn.Conv2d(latent, latent, 1);
        TileSampleMinSize = config.SampleSize;
        TileLatentMinSize = config.SampleSize / ScaleFactor;
        RegisterComponents();
    }

    /// <summary>How many pixels one latent covers per side: 2^(levels − 1) (the pipelines' <c>vae_scale_factor</c>).</summary>
    public int ScaleFactor => 1 << (Config.BlockOutChannels.Length - 1);

    /// <summary>Encode and decode larger inputs tile by tile (diffusers' <c>enable_tiling</c>); off by default.</summary>
    public bool UseTiling { get; set; }

    /// <summary>Image tile side (diffusers' <c>tile_sample_min_size</c>, <c>sample_size</c> by default).</summary>
    public int TileSampleMinSize { get; set; }

    /// <summary>Latent tile side (diffusers' <c>tile_latent_min_size</c>, <c>sample_size / 2^(levels − 1)</c> by default).</summary>
    public int TileLatentMinSize { get; set; }

    /// <summary>The fraction of a tile shared with its neighbour (diffusers' <c>tile_overlap_factor</c>).</summary>
    public double TileOverlapFactor { get; set; } = 0.25;

    public string Library => "diffusers";

    public string ClassName => nameof(AutoencoderKL);

    public void SaveConfig(string path) => Config.Save(path);

    public IReadOnlyList<(string Name, string Value)> Describe()
    {
        var c = Config;
        var rows = new List<(string, string)>
        {
            ("network", nameof(AutoencoderKL)),
            ("image", $"{c.InChannels} channels in, {c.OutChannels} out"),
            ("latent", $"{c.LatentChannels} channels, 1/{ScaleFactor} of the image side"),
            ("levels", string.Join(", ", c.BlockOutChannels)),
            ("layers per block", c.LayersPerBlock.ToString(CultureInfo.InvariantCulture)),
            ("scaling factor", c.ScalingFactor.ToString(CultureInfo.InvariantCulture)),
        };
        if (c.ShiftFactor is double shift) rows.Add(("shift factor", shift.ToString(CultureInfo.InvariantCulture)));
        return rows;
    }

    /// <summary>The posterior q(z | image) for images in [-1, 1], [batch, in_channels, height, width]. Dispose it.</summary>
    public DiagonalGaussian Encode(Tensor image)
    {
        CheckInput(image, "image", Config.InChannels);
        // Both paths return a tensor outside their dispose scopes, so the posterior's own tensors live in the caller's.
        var moments = UseTiling && (image.shape[2] > TileSampleMinSize || image.shape[3] > TileSampleMinSize)
            ? VaeTiling.Run(image, TileSampleMinSize, TileLatentMinSize, TileOverlapFactor, EncodeMoments)
            : EncodeMoments(image);
        return new DiagonalGaussian(moments);
    }

    /// <summary>The image of <paramref name="latents"/> as the decoder gives it (unscaled latents in, roughly [-1, 1] out).</summary>
    public Tensor Decode(Tensor latents)
    {
        CheckInput(latents, "latents", Config.LatentChannels);
        using var scope = NewDisposeScope();
        var image = UseTiling && (latents.shape[2] > TileLatentMinSize || latents.shape[3] > TileLatentMinSize)
            ? VaeTiling.Run(latents, TileLatentMinSize, TileSampleMinSize, TileOverlapFactor, DecodeTile)
            : DecodeTile(latents);
        return image.MoveToOuterDisposeScope();
    }

    /// <summary>Encodes and decodes the posterior's mode, as diffusers' <c>forward</c> with <c>sample_posterior=False</c>.</summary>
    public override Tensor forward(Tensor image)
    {
        using var posterior = Encode(image);
        using var z = posterior.Mode();
        return Decode(z);
    }

    /// <summary>
    /// A VAE latent z to the scale the denoiser works at: (z − shift_factor) · scaling_factor (SD 1/2: z · 0.18215;
    /// SD3/Flux pipelines subtract the shift), or (z − latents_mean) · scaling_factor / latents_std when the config
    /// sets both statistics (SDXL pipelines).
    /// </summary>
    public Tensor ScaleLatents(Tensor z)
    {
        using var scope = NewDisposeScope();
        var (mean, std) = LatentStatistics(z);
        var scaled = mean is not null && std is not null
            ? (z - mean) * Config.ScalingFactor / std
            : (z - (Config.ShiftFactor ?? 0.0)) * Config.ScalingFactor;
        return scaled.MoveToOuterDisposeScope();
    }

    /// <summary>The inverse of <see cref="ScaleLatents"/>: what <see cref="Decode"/> takes, latents / scaling_factor + shift_factor.</summary>
    public Tensor UnscaleLatents(Tensor latents)
    {
        using var scope = NewDisposeScope();
        var (mean, std) = LatentStatistics(latents);
        var z = mean is not null && std is not null
            ? latents * std / Config.ScalingFactor + mean
            : latents / Config.ScalingFactor + (Config.ShiftFactor ?? 0.0);
        return z.MoveToOuterDisposeScope();
    }

    private Tensor EncodeMoments(Tensor image)
    {
        using var scope = NewDisposeScope();
        var h = encoder.forward(image);
        if (quant_conv is not null) h = quant_conv.forward(h);
        return h.MoveToOuterDisposeScope();
    }

    private Tensor DecodeTile(Tensor latents)
    {
        using var scope = NewDisposeScope();
        var z = post_quant_conv is null ? latents : post_quant_conv.forward(latents);
        return decoder.forward(z).MoveToOuterDisposeScope();
    }

    private (Tensor? Mean, Tensor? Std) LatentStatistics(Tensor like)
    {
        if (Config.LatentsMean is not { } mean || Config.LatentsStd is not { } std) return (null, null);
        Tensor Channels(double[] values) => tensor(values, device: like.device).to(like.dtype).view(1, values.Length, 1, 1);
        return (Channels(mean), Channels(std));
    }

    private static void CheckInput(Tensor x, string name, int channels)
    {
        if (x.dim() != 4 || x.shape[1] != channels)
            throw new DiffuseArgumentException(name, $"must be [batch, {channels}, height, width] (got [{string.Join(", ", x.shape)}])");
    }
}
