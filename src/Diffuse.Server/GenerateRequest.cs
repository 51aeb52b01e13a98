using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Pipelines;

namespace Diffuse.Server;

/// <summary>
/// The body of <c>POST /api/generate</c>, in diffusers' words. With <see cref="Image"/> the model edits that image
/// (image-to-image, or upscales it for a super-resolution model); with <see cref="Mask"/> as well it inpaints
/// (white keeps, black is generated). Images travel as base64 PNG, a <c>data:</c> URL or bare.
/// </summary>
public sealed record GenerateRequest
{
    public string? Model { get; init; }
    public string? Prompt { get; init; }
    public string? NegativePrompt { get; init; }

    /// <summary>One class index or a list of them (one a row); absent: one class chosen from the seed.</summary>
    [JsonPropertyName("class")] public JsonElement? Class { get; init; }

    public string? Sampler { get; init; }
    public int? Steps { get; init; }
    public double? GuidanceScale { get; init; }
    public double? Eta { get; init; }

    /// <summary>The seed; absent or −1: a random one (the result's parameters record it).</summary>
    public long? Seed { get; init; }

    public int? Width { get; init; }
    public int? Height { get; init; }
    public int? Count { get; init; }

    /// <summary>Image-to-image: how far the image is noised (0 keeps it, 1 ignores it); default 0.6.</summary>
    public double? Strength { get; init; }

    public string? Image { get; init; }
    public string? Mask { get; init; }

    public const int DefaultSteps = 20;
    public const double DefaultStrength = 0.6;

    /// <summary>Refuses what no model could do within the server's limits (400), before the request waits in a queue.</summary>
    public void Check(StudioOptions limits)
    {
        if (string.IsNullOrWhiteSpace(Model)) throw ApiError.BadRequest("model is required (GET /api/models lists them)", "model");
        if (Steps is int steps && (steps <= 0 || steps > limits.MaxSteps))
            throw ApiError.BadRequest($"steps must be 1 to {limits.MaxSteps} (got {steps})", "steps");
        if (Count is int count && (count <= 0 || count > limits.MaxCount))
            throw ApiError.BadRequest($"count must be 1 to {limits.MaxCount} (got {count})", "count");
        foreach (var (name, size) in new[] { ("width", Width), ("height", Height) })
            if (size is int s && (s <= 0 || s > limits.MaxImageSize))
                throw ApiError.BadRequest($"{name} must be 1 to {limits.MaxImageSize} (got {s})", name);
        if (Strength is double strength && !(strength >= 0 && strength <= 1))
            throw ApiError.BadRequest($"strength must lie in [0, 1] (got {strength})", "strength");
        if (Mask is not null && Image is null) throw ApiError.BadRequest("mask needs an image to inpaint", "mask");
        if ((Prompt?.Length ?? 0) + (NegativePrompt?.Length ?? 0) > 4000) throw ApiError.BadRequest("the prompts are longer than 4000 characters", "prompt");
        _ = Classes();
    }

    /// <summary>The classes asked for, or null.</summary>
    public IReadOnlyList<int>? Classes()
    {
        if (Class is not { } element || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int one)) return [one];
        if (element.ValueKind == JsonValueKind.Array && element.GetArrayLength() > 0
            && element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _)))
            return element.EnumerateArray().Select(e => e.GetInt32()).ToList();
        throw ApiError.BadRequest("class must be an integer or a non-empty list of integers", "class");
    }

    /// <summary>The library's options for this request on a model, with the seed settled.</summary>
    public GenerationOptions ToOptions(ModelInfo model, long seed, bool editing)
    {
        var classes = Classes();
        // A class model asked for no class draws one, chosen from the seed, so the request stays reproducible.
        if (classes is null && model.ClassCount is int k && !editing) classes = [(int)(seed % k)];
        return new GenerationOptions
        {
            Steps = Steps ?? DefaultSteps,
            Scheduler = string.IsNullOrWhiteSpace(Sampler) ? null : Sampler,
            Seed = seed,
            Count = editing ? null : Count ?? 1,
            Eta = Eta,
            GuidanceScale = GuidanceScale,
            Prompt = model.TakesText ? Prompt ?? "" : string.IsNullOrEmpty(Prompt) ? null : Prompt,
            NegativePrompt = string.IsNullOrEmpty(NegativePrompt) ? null : NegativePrompt,
            Width = Width,
            Height = Height,
            Classes = classes,
        };
    }
}
