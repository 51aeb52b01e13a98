namespace Diffuse.Evaluation;

/// <summary>One prompt's images: how many there were and how many had the garment, the colour, and both right.</summary>
public sealed record PromptScore(string Prompt, int Colour, int Garment, bool HeldOut, int Count, int GarmentRight, int ColourRight, int BothRight)
{
    /// <summary>The scores of several prompts pooled (image-weighted), under a name.</summary>
    public static PromptScore Pool(string name, IEnumerable<PromptScore> scores)
    {
        var all = scores.ToList();
        return new PromptScore(name, -1, -1, all.Count > 0 && all.All(s => s.HeldOut), all.Sum(s => s.Count),
                               all.Sum(s => s.GarmentRight), all.Sum(s => s.ColourRight), all.Sum(s => s.BothRight));
    }

    public double GarmentAccuracy => Count == 0 ? double.NaN : (double)GarmentRight / Count;
    public double ColourAccuracy => Count == 0 ? double.NaN : (double)ColourRight / Count;
    public double BothAccuracy => Count == 0 ? double.NaN : (double)BothRight / Count;
}
