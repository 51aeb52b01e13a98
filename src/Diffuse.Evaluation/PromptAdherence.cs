using Diffuse.Data;
using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// Whether images show what "a {colour} {garment}" asked for (GenEval's idea, Ghosh et al. 2023, at Fashion-MNIST
/// scale): the garment by a Fashion-MNIST classifier on the image's brightness (the max of R, G and B, which for a
/// tinted image is the original grey level), the colour by the hue of its bright pixels, nearest of the 8 named hues.
/// </summary>
public static class PromptAdherence
{
    /// <summary>Pixels brighter than this (HSV value in [0, 1]) vote on the hue; darker ones are background or shading.</summary>
    public const double BrightThreshold = 0.25;

    /// <summary>HSV value [N, 1, H, W] in [−1, 1] of RGB images [N, 3, H, W] in [−1, 1]: max(R, G, B).</summary>
    public static Tensor Brightness(Tensor rgb) => rgb.amax([1], keepdim: true);

    /// <summary>
    /// The colour index (into <see cref="FashionColours.Colours"/>) of each image: the circular mean of the hue of its
    /// bright pixels, each weighted by its value and saturation, mapped to the nearest named hue; −1 for an image with
    /// no bright pixel.
    /// </summary>
    public static int[] Colours(Tensor rgb)
    {
        using var scope = NewDisposeScope();
        var unit = rgb.add(1).div(2).clamp(0, 1).to(float32);
        var r = unit.select(1, 0); var g = unit.select(1, 1); var b = unit.select(1, 2);
        var max = unit.amax([1]);
        var min = unit.amin([1]);
        var chroma = max - min;
        // Hue in degrees by the sextant of the largest channel (the inverse of the closed form in FashionColours.HueRgb).
        var safe = chroma.clamp_min(1e-6);
        var hueR = ((g - b) / safe).remainder(6);
        var hueG = (b - r) / safe + 2;
        var hueB = (r - g) / safe + 4;
        var sextant = where(max.eq(r), hueR, where(max.eq(g), hueG, hueB));
        var radians = sextant * (Math.PI / 3);
        var weight = where(max.gt(BrightThreshold), chroma, zeros_like(chroma));
        var x = (weight * radians.cos()).flatten(1).sum(1);
        var y = (weight * radians.sin()).flatten(1).sum(1);
        var total = weight.flatten(1).sum(1);
        var degrees = atan2(y, x).mul(180 / Math.PI).data<float>().ToArray();
        var mass = total.data<float>().ToArray();
        return degrees.Select((d, i) => mass[i] > 0 ? NearestColour(d) : -1).ToArray();
    }

    /// <summary>The named colour whose hue is nearest <paramref name="degrees"/> around the circle.</summary>
    public static int NearestColour(double degrees)
    {
        int best = 0;
        double bestDistance = double.MaxValue;
        for (int c = 0; c < FashionColours.Hues.Count; c++)
        {
            double d = Math.Abs((degrees - FashionColours.Hues[c]) % 360);
            d = Math.Min(d, 360 - d);
            if (d < bestDistance) (best, bestDistance) = (c, d);
        }
        return best;
    }

    /// <summary>The garment class of each image: the classifier's argmax on the brightness.</summary>
    public static int[] Garments(FashionClassifier classifier, Tensor rgb)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        classifier.eval();
        var brightness = Brightness(rgb.to(float32));
        classifier.CheckShape(brightness, "the images' brightness");
        return classifier.Logits(brightness).argmax(1).to(int64).data<long>().Select(k => (int)k).ToArray();
    }

    /// <summary>How many of <paramref name="rgb"/> show the garment, the colour, and both, of the pair asked for.</summary>
    public static PromptScore Score(FashionClassifier classifier, Tensor rgb, int colour, int garment)
    {
        var garments = Garments(classifier, rgb);
        var colours = Colours(rgb);
        int n = garments.Length;
        int garmentRight = garments.Count(g => g == garment);
        int colourRight = colours.Count(c => c == colour);
        int both = Enumerable.Range(0, n).Count(i => garments[i] == garment && colours[i] == colour);
        return new PromptScore(FashionColours.Caption(colour, garment), colour, garment, FashionColours.IsHeldOut(colour, garment),
                               n, garmentRight, colourRight, both);
    }
}
