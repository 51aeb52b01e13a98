using System.Diagnostics;
using Diffuse.Data;
using Diffuse.Pipelines;
using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// Runs <see cref="PromptAdherence"/> over a text-to-image model: N images a prompt from fixed seeds, scored; on real
/// tinted images grouped by caption (the measure's ceiling); and the Fréchet distance, in the classifier's features of
/// the brightness, between all samples and as many real images, beside the floor of two disjoint real sets.
/// </summary>
public static class PromptAdherenceEvaluation
{
    /// <summary>The held-out pairs, and one seen pair a garment (the colour four steps round from its held-out one).</summary>
    public static IReadOnlyList<string> DefaultPrompts(string which) => which switch
    {
        "held-out" => HeldOutPrompts,
        "seen" => SeenPrompts,
        "both" => [.. HeldOutPrompts, .. SeenPrompts],
        "all" => Enumerable.Range(0, FashionColours.Garments.Count)
            .SelectMany(g => Enumerable.Range(0, FashionColours.Colours.Count).Select(c => FashionColours.Caption(c, g))).ToList(),
        _ => which.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
    };

    static IReadOnlyList<string> HeldOutPrompts => FashionColours.HeldOut.Select(p => FashionColours.Caption(p.Colour, p.Garment)).ToList();

    static IReadOnlyList<string> SeenPrompts => FashionColours.HeldOut.Select(p => FashionColours.Caption((p.Colour + 4) % 8, p.Garment)).ToList();

    public static PromptAdherenceReport Run(DiffusionPipeline pipeline, string modelName, FashionClassifier classifier, IReadOnlyList<string> prompts,
                                            int perPrompt, GenerationOptions options, CaptionedImages? real, Action<string>? onPrompt = null,
                                            Action<string, Tensor>? onImages = null)
    {
        if (!pipeline.TakesText) throw new DiffuseArgumentException("model", $"measures text-to-image models; this {pipeline.ClassName} takes no prompt");
        if (perPrompt <= 0) throw new DiffuseArgumentException("count", $"must be positive (got {perPrompt})");
        var pairs = prompts.Select(p => (Prompt: p, Pair: FashionColours.Parse(p)
            ?? throw new DiffuseArgumentException("prompts", $"'{p}' is not \"a {{colour}} {{garment}}\" with one of the 8 colours and 10 garments"))).ToList();
        var clock = Stopwatch.StartNew();
        var scores = new List<PromptScore>();
        var samples = new List<Tensor>();
        try
        {
            for (int i = 0; i < pairs.Count; i++)
            {
                onPrompt?.Invoke(pairs[i].Prompt);
                using var result = pipeline.Generate(options with { Prompt = pairs[i].Prompt, Count = perPrompt, Seed = options.Seed + 1000 * i });
                var images = result.Samples.detach().clone();
                samples.Add(images);
                onImages?.Invoke(pairs[i].Prompt, images);
                scores.Add(PromptAdherence.Score(classifier, images, pairs[i].Pair.Colour, pairs[i].Pair.Garment));
            }
            PromptScore? realHeldOut = null, realSeen = null;
            double? fd = null, floor = null;
            int fdCount = 0;
            if (real is not null)
            {
                (realHeldOut, realSeen) = ScoreReal(classifier, real);
                using var all = cat(samples, 0);
                fdCount = (int)Math.Min(all.shape[0], real.Images.Count);
                using var realBrightness = PromptAdherence.Brightness(real.Images.Data.narrow(0, 0, fdCount));
                using var sampleBrightness = PromptAdherence.Brightness(all.narrow(0, 0, fdCount));
                fd = ClassifierFrechetDistance.Between(classifier, sampleBrightness, realBrightness);
                if (real.Images.Count >= 2 * fdCount)
                {
                    using var other = PromptAdherence.Brightness(real.Images.Data.narrow(0, fdCount, fdCount));
                    floor = ClassifierFrechetDistance.Between(classifier, other, realBrightness);
                }
            }
            return new PromptAdherenceReport(modelName, perPrompt, pipeline.GuidanceScaleOf(options), options.Steps, options.Scheduler ?? "",
                                             options.Seed, scores, realHeldOut, realSeen, fd, floor, fdCount, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var t in samples) t.Dispose();
        }
    }

    /// <summary>The measure on real tinted images, pooled over the held-out and the seen pairs of their captions.</summary>
    public static (PromptScore HeldOut, PromptScore Seen) ScoreReal(FashionClassifier classifier, CaptionedImages real)
    {
        var scores = new List<PromptScore>();
        var groups = real.Captions.Select((c, i) => (Caption: c, Index: (long)i)).GroupBy(x => x.Caption);
        foreach (var group in groups)
        {
            var pair = FashionColours.Parse(group.Key)
                       ?? throw new DiffuseArgumentException("real", $"caption '{group.Key}' is not \"a {{colour}} {{garment}}\"");
            using var index = tensor(group.Select(x => x.Index).ToArray());
            using var images = real.Images.Data.index_select(0, index);
            scores.Add(PromptAdherence.Score(classifier, images, pair.Colour, pair.Garment));
        }
        return (PromptScore.Pool("real, held-out pairs", scores.Where(s => s.HeldOut)), PromptScore.Pool("real, seen pairs", scores.Where(s => !s.HeldOut)));
    }
}
