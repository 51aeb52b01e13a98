using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// Runs a VAE half over overlapping tiles and cross-fades the seams, as diffusers' <c>AutoencoderKL.tiled_decode</c> and
/// <c>_tiled_encode</c> (v0.31.0): tiles of <c>inputTile</c> start every <c>inputTile · (1 − overlap)</c>; each result tile is
/// blended with the (already blended) one above and the one to its left over <c>outputTile · overlap</c> rows or columns
/// (<c>blend_v</c>, <c>blend_h</c>), cropped to <c>outputTile − blend</c>, and the crops are concatenated.
/// </summary>
public static class VaeTiling
{
    public static Tensor Run(Tensor input, int inputTile, int outputTile, double overlapFactor, Func<Tensor, Tensor> code)
    {
        using var scope = NewDisposeScope();
        int stride = (int)(inputTile * (1 - overlapFactor));
        int blend = (int)(outputTile * overlapFactor);
        int rowLimit = outputTile - blend;
        if (stride <= 0) throw new DiffuseArgumentException("tile_overlap_factor", $"leaves no stride between tiles of {inputTile} (got {overlapFactor})");
        long height = input.shape[2], width = input.shape[3];

        var rows = new List<List<Tensor>>();
        for (long i = 0; i < height; i += stride)
        {
            var row = new List<Tensor>();
            for (long j = 0; j < width; j += stride)
            {
                using var tile = input.narrow(2, i, Math.Min(inputTile, height - i)).narrow(3, j, Math.Min(inputTile, width - j));
                row.Add(code(tile));
            }
            rows.Add(row);
        }

        var resultRows = new List<Tensor>();
        for (int i = 0; i < rows.Count; i++)
        {
            var cropped = new List<Tensor>();
            for (int j = 0; j < rows[i].Count; j++)
            {
                var tile = rows[i][j];
                if (i > 0) BlendInto(rows[i - 1][j], tile, blend, axis: 2);
                if (j > 0) BlendInto(rows[i][j - 1], tile, blend, axis: 3);
                cropped.Add(tile.narrow(2, 0, Math.Min(rowLimit, tile.shape[2])).narrow(3, 0, Math.Min(rowLimit, tile.shape[3])));
            }
            resultRows.Add(cat(cropped, 3));
        }
        return cat(resultRows, 2).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Overwrites the first <paramref name="extent"/> lines of <paramref name="b"/> along <paramref name="axis"/> with
    /// a·(1 − y/extent) + b·(y/extent), a's last lines fading into b's first. Weights are computed in double and cast, as
    /// diffusers' Python floats are.
    /// </summary>
    public static void BlendInto(Tensor a, Tensor b, int extent, int axis)
    {
        extent = (int)Math.Min(Math.Min(a.shape[axis], b.shape[axis]), extent);
        if (extent <= 0) return;
        using var scope = NewDisposeScope();
        var shape = Enumerable.Repeat(1L, (int)b.dim()).ToArray();
        shape[axis] = extent;
        var into = Enumerable.Range(0, extent).Select(y => (float)(y / (double)extent)).ToArray();
        var outOf = Enumerable.Range(0, extent).Select(y => (float)(1 - y / (double)extent)).ToArray();
        var wb = tensor(into, device: b.device).to(b.dtype).view(shape);
        var wa = tensor(outOf, device: b.device).to(b.dtype).view(shape);
        var head = b.narrow(axis, 0, extent);
        var tail = a.narrow(axis, a.shape[axis] - extent, extent);
        head.copy_(tail * wa + head * wb);
    }
}
