namespace Diffuse.Models;

/// <summary>
/// The fixed 2-D sine-cosine position embedding of ViT and MAE as diffusers' <c>get_2d_sincos_pos_embed</c> computes it:
/// each token at grid row h, column w gets [sincos(w′) | sincos(h′)], half the width each, where sincos(p) =
/// [sin(p·ω_i) | cos(p·ω_i)], ω_i = 10000^(−i/(D/4)), and the positions p′ = p / (grid/base_size) / interpolation_scale
/// are float32 as numpy makes them; the rest is float64, rounded to float32 at the end.
/// </summary>
public static class SinCosPositionEmbedding
{
    /// <summary>[gridH·gridW, embedDim] row-major over (h, w), flattened.</summary>
    public static float[] Grid(int embedDim, int gridH, int gridW, int baseSize, double interpolationScale = 1.0)
    {
        if (embedDim % 4 != 0) throw new DiffuseException($"the 2-D sin-cos position embedding needs a width divisible by 4 (got {embedDim})");
        float[] Positions(int n)
        {
            float scale = (float)((double)n / baseSize), interp = (float)interpolationScale;
            return Enumerable.Range(0, n).Select(i => i / scale / interp).ToArray();
        }
        var (ph, pw) = (Positions(gridH), Positions(gridW));
        int quarter = embedDim / 4;
        var omega = Enumerable.Range(0, quarter).Select(i => 1.0 / Math.Pow(10000, i / (embedDim / 4.0))).ToArray();
        var result = new float[gridH * gridW * embedDim];
        for (int h = 0; h < gridH; h++)
            for (int w = 0; w < gridW; w++)
            {
                int row = (h * gridW + w) * embedDim;
                for (int i = 0; i < quarter; i++)
                {
                    double aw = pw[w] * omega[i], ah = ph[h] * omega[i];
                    result[row + i] = (float)Math.Sin(aw);
                    result[row + quarter + i] = (float)Math.Cos(aw);
                    result[row + 2 * quarter + i] = (float)Math.Sin(ah);
                    result[row + 3 * quarter + i] = (float)Math.Cos(ah);
                }
            }
        return result;
    }
}
