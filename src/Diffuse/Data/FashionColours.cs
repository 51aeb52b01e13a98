using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>
/// Fashion-MNIST in colour: each garment tinted with one of 8 named hues at full saturation, its brightness (HSV
/// value) equal to the original grey level, on black, and captioned "a {colour} {garment}". Ten colour–garment pairs,
/// one per garment, are held out of training so that a text-to-image model can be asked for combinations it never saw.
/// </summary>
public static class FashionColours
{
    /// <summary>The colour names, in the order of <see cref="Hues"/>.</summary>
    public static IReadOnlyList<string> Colours { get; } = ["red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink"];

    /// <summary>The hue of each colour in degrees.</summary>
    public static IReadOnlyList<double> Hues { get; } = [0, 30, 60, 120, 180, 240, 270, 320];

    /// <summary>The Fashion-MNIST classes 0–9 as the captions name them.</summary>
    public static IReadOnlyList<string> Garments { get; } =
        ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

    /// <summary>The held-out (colour, garment) pairs: none of them is in the training split.</summary>
    public static IReadOnlyList<(int Colour, int Garment)> HeldOut { get; } =
    [
        (0, 1), (1, 8), (2, 7), (3, 3), (4, 4), (5, 5), (6, 2), (7, 9), (0, 6), (5, 0),
    ];

    public static bool IsHeldOut(int colour, int garment) => HeldOut.Contains((colour, garment));

    public static string Caption(int colour, int garment) => $"a {Colours[colour]} {Garments[garment]}";

    /// <summary>The (colour, garment) of a caption "a {colour} {garment}", or null when it is not one.</summary>
    public static (int Colour, int Garment)? Parse(string caption)
    {
        for (int c = 0; c < Colours.Count; c++)
            for (int g = 0; g < Garments.Count; g++)
                if (caption == Caption(c, g)) return (c, g);
        return null;
    }

    /// <summary>
    /// The RGB of hue <paramref name="degrees"/> at full saturation and value 1, by the closed form of HSV → RGB:
    /// channel n (R: 5, G: 3, B: 1) is 1 − max(0, min(k, 4 − k, 1)) with k = (n + H/60) mod 6.
    /// </summary>
    public static (double R, double G, double B) HueRgb(double degrees)
    {
        double Channel(int n)
        {
            double k = (n + degrees / 60) % 6;
            return 1 - Math.Max(0, Math.Min(Math.Min(k, 4 - k), 1));
        }
        return (Channel(5), Channel(3), Channel(1));
    }

    /// <summary>
    /// Grey images [N, 1, H, W] in [−1, 1] tinted with one colour index each ([N]): RGB [N, 3, H, W] in [−1, 1] whose
    /// HSV value is the grey level in [0, 1], at full saturation, on black.
    /// </summary>
    public static Tensor Tint(Tensor grey, IReadOnlyList<int> colours)
    {
        if (grey.dim() != 4 || grey.shape[1] != 1) throw new DiffuseException($"tinting needs grey images [N, 1, H, W], got [{string.Join(", ", grey.shape)}]");
        if (colours.Count != grey.shape[0]) throw new DiffuseException($"{colours.Count} colours for {grey.shape[0]} images");
        using var scope = NewDisposeScope();
        var rgb = colours.SelectMany(c =>
        {
            var (r, g, b) = HueRgb(Hues[c]);
            return new[] { (float)r, (float)g, (float)b };
        }).ToArray();
        var value = grey.add(1).div(2).clamp(0, 1);
        var tinted = value * tensor(rgb, [colours.Count, 3, 1, 1]);
        return tinted.mul(2).sub(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One colour per garment label, drawn with a generator seeded by <paramref name="seed"/>: uniformly from the 7
    /// colours whose pair with that garment is not held out, or with <paramref name="allPairs"/> from all 8 (for test sets).
    /// </summary>
    public static int[] AssignColours(IReadOnlyList<long> garments, long seed, bool allPairs)
    {
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var colours = new int[garments.Count];
        for (int i = 0; i < garments.Count; i++)
        {
            int garment = (int)garments[i];
            if (garment < 0 || garment >= Garments.Count) throw new DiffuseException($"label {garment} of image {i} is not a Fashion-MNIST class (0–9)");
            var allowed = Enumerable.Range(0, Colours.Count).Where(c => allPairs || !IsHeldOut(c, garment)).ToArray();
            colours[i] = allowed[random.Next(allowed.Length)];
        }
        return colours;
    }
}
