using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diffuse.Evaluation;

/// <summary>
/// The prompt-adherence figures of a model: per prompt, pooled over the held-out and the seen pairs, the same measure
/// on real tinted images (its ceiling) when given, and the Fréchet distance of the samples' brightness to real images'.
/// </summary>
public sealed record PromptAdherenceReport(
    string Model, int PerPrompt, double GuidanceScale, int Steps, string Sampler, long Seed,
    IReadOnlyList<PromptScore> Prompts, PromptScore? RealHeldOut, PromptScore? RealSeen,
    double? FrechetDistance, double? FrechetFloor, int FrechetCount, double Seconds)
{
    public PromptScore HeldOut => PromptScore.Pool("held-out pairs", Prompts.Where(p => p.HeldOut));

    public PromptScore Seen => PromptScore.Pool("seen pairs", Prompts.Where(p => !p.HeldOut));

    public string ToJson()
    {
        static JsonObject Row(PromptScore s) => new()
        {
            ["prompt"] = s.Prompt, ["held_out"] = s.HeldOut, ["count"] = s.Count,
            ["garment"] = s.GarmentAccuracy, ["colour"] = s.ColourAccuracy, ["both"] = s.BothAccuracy,
        };
        static JsonNode? Maybe(PromptScore? s) => s is null || s.Count == 0 ? null : Row(s);
        static JsonNode? Number(double? x) => x is double v && double.IsFinite(v) ? JsonValue.Create(v) : null;
        var json = new JsonObject
        {
            ["model"] = Model, ["images_per_prompt"] = PerPrompt, ["guidance_scale"] = GuidanceScale, ["steps"] = Steps,
            ["sampler"] = Sampler, ["seed"] = Seed,
            ["held_out"] = Maybe(HeldOut), ["seen"] = Maybe(Seen),
            ["real_held_out"] = Maybe(RealHeldOut), ["real_seen"] = Maybe(RealSeen),
            ["frechet_distance"] = Number(FrechetDistance), ["frechet_floor"] = Number(FrechetFloor), ["frechet_count"] = FrechetCount,
            ["seconds"] = Seconds,
            ["prompts"] = new JsonArray(Prompts.Select(p => (JsonNode)Row(p)).ToArray()),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
