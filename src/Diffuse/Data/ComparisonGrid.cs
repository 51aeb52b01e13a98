using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>
/// Versions of the same images side by side (e.g. low-res | super-resolved | original): image i's
/// panels form one group, and <c>groupsPerRow</c> groups share a grid row.
/// </summary>
public static class ComparisonGrid
{
    /// <param name="panels">each [N, C, H, W] in [−1, 1], all of one shape; one panel a version.</param>
    public static void SavePng(IReadOnlyList<Tensor> panels, string path, int groupsPerRow, int scale = 2)
    {
        if (panels.Count == 0) throw new DiffuseException($"{path}: a comparison grid needs at least one panel");
        if (panels.Any(p => !p.shape.SequenceEqual(panels[0].shape)))
            throw new DiffuseException($"{path}: comparison panels must share one shape (got {string.Join(" and ", panels.Select(p => $"[{string.Join(",", p.shape)}]"))})");
        using var scope = NewDisposeScope();
        long n = panels[0].shape[0];
        // [N, P, C, H, W] → [N·P, C, H, W]: image 0's panels, then image 1's, …
        var interleaved = stack(panels.Select(p => p.clamp(-1, 1)).ToArray(), 1).flatten(0, 1);
        int columns = (int)(Math.Min(groupsPerRow, n) * panels.Count);
        ImageGrid.SavePng(interleaved, path, columns, scale: scale);
    }

    /// <summary>Low-resolution images shown at full size with their pixels as blocks (nearest neighbour), so the grid shows what the model was given.</summary>
    public static Tensor Blocks(Tensor lowResolution, int scale) =>
        lowResolution.repeat_interleave(scale, 2).repeat_interleave(scale, 3);
}
