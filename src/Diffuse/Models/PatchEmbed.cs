using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// ViT's patchify (Dosovitskiy et al. 2021, §3.1) as diffusers' <c>PatchEmbed</c>: a p×p convolution of stride p
/// (<c>proj</c>) turns [B, C, H, W] into (H/p)·(W/p) tokens, plus the 2-D sin-cos position embedding. DiT computes that
/// embedding for its <c>sample_size</c> (a buffer not saved); SD3 stores one for a <c>pos_embed_max_size</c>² grid
/// (<c>pos_embed.pos_embed</c>, saved) and crops its centre to the image's grid, so one model takes several sizes.
/// </summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;
    private readonly int _patch;
    private readonly int _dim;
    private readonly int _baseSize;
    private readonly int _grid;
    private readonly int? _maxSize;

    public PatchEmbed(int sampleSize, int patchSize, int inChannels, int embedDim, int? posEmbedMaxSize = null)
        : base(nameof(PatchEmbed))
    {
        _patch = patchSize;
        _dim = embedDim;
        _baseSize = sampleSize / patchSize;
        _maxSize = posEmbedMaxSize;
        _grid = posEmbedMaxSize ?? _baseSize;
        proj = nn.Conv2d(inChannels, embedDim, kernel_size: patchSize, stride: patchSize);
        RegisterComponents();
        // Not a field, so RegisterComponents leaves it alone: DiT's grid is recomputed, not saved (persistent=False).
        register_buffer(PosEmbedName, tensor(SinCosPositionEmbedding.Grid(embedDim, _grid, _grid, _baseSize), [1, _grid * _grid, embedDim]),
                        persistent: posEmbedMaxSize is not null);
    }

    const string PosEmbedName = "pos_embed";

    public int PatchSize => _patch;

    public override Tensor forward(Tensor latent)
    {
        using var scope = NewDisposeScope();
        long h = latent.shape[2] / _patch, w = latent.shape[3] / _patch;
        var tokens = proj.forward(latent).flatten(2).transpose(1, 2);
        return (tokens + PositionEmbedding(h, w, latent.device).to(tokens.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>[1, h·w, D]: the stored grid, its centre crop (SD3), or for another size a grid computed anew (DiT).</summary>
    Tensor PositionEmbedding(long h, long w, Device device)
    {
        var pos_embed = get_buffer(PosEmbedName)!;
        if (_maxSize is int max)
        {
            if (h > max || w > max)
                throw new DiffuseArgumentException("sample", $"is {h * _patch}×{w * _patch}, {h}×{w} patches, more than pos_embed_max_size {max}");
            long top = (max - h) / 2, left = (max - w) / 2;
            return pos_embed.reshape(1, max, max, _dim).narrow(1, top, h).narrow(2, left, w).reshape(1, h * w, _dim);
        }
        if (h == _grid && w == _grid) return pos_embed;
        return tensor(SinCosPositionEmbedding.Grid(_dim, (int)h, (int)w, _baseSize), [1, h * w, _dim]).to(device);
    }
}
