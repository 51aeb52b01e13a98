using System.Text.Json;
using System.Text.Json.Nodes;
using Diffuse.Formats;

namespace Diffuse.Folders;

/// <summary>
/// A pipeline's <c>model_index.json</c>: the pipeline class (<c>_class_name</c>, the task: DDPMPipeline, or one of
/// ours where diffusers has none), the pipeline's own settings as plain values (as diffusers keeps
/// <c>requires_safety_checker</c>), and per component folder the library and class that load it
/// (<c>"unet": ["diffusers", "UNet2DModel"]</c>). diffusers' <c>from_pretrained</c> reads the folder through this
/// file, so it is written exactly as <c>save_pretrained</c> writes it (keys sorted, two-space indent, trailing newline).
/// </summary>
public sealed record ModelIndex(string ClassName, IReadOnlyDictionary<string, JsonNode> Settings,
                                IReadOnlyDictionary<string, (string Library, string ClassName)> Components)
{
    public const string DiffusersVersion = "0.31.0";

    public void Save(string path)
    {
        var index = new JsonObject
        {
            ["_class_name"] = ClassName,
            ["_diffusers_version"] = DiffusersVersion,
        };
        foreach (var (key, value) in Settings) index[key] = value.DeepClone();
        foreach (var (name, (library, className)) in Components) index[name] = new JsonArray(library, className);
        var sorted = new JsonObject(index.OrderBy(p => p.Key, StringComparer.Ordinal)
                                         .Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        AtomicFile.WriteAllText(path, sorted.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// Reads the file: components are the [library, class] pairs, settings every other key that does not start
    /// with an underscore.
    /// </summary>
    public static ModelIndex Load(string path)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new DiffuseException($"{path}: not valid JSON: {e.Message.Split('\n')[0]}"); }
        if (root is not JsonObject index) throw new DiffuseException($"{path}: not a JSON object");
        string className = index["_class_name"] is JsonValue v && v.TryGetValue(out string? name)
            ? name
            : throw new DiffuseException($"{path}: _class_name is missing or not a string");
        var settings = new Dictionary<string, JsonNode>();
        var components = new Dictionary<string, (string, string)>();
        foreach (var (key, value) in index)
        {
            if (key.StartsWith('_') || value is null) continue;
            // diffusers writes [null, null] for a component the pipeline was saved without (safety_checker, feature_extractor).
            if (value is JsonArray { Count: 2 } absent && absent[0] is null && absent[1] is null) continue;
            if (value is JsonArray { Count: 2 } pair && pair[0] is JsonValue lib && lib.TryGetValue(out string? library)
                && pair[1] is JsonValue cls && cls.TryGetValue(out string? component))
                components[key] = (library, component);
            else if (value is JsonArray)
                throw new DiffuseException($"{path}: {key}: expected [library, class name], got {value.ToJsonString()}");
            else settings[key] = value.DeepClone();
        }
        return new ModelIndex(className, settings, components);
    }

    /// <summary>An integer setting, or null when absent; a clear error when it is not an integer.</summary>
    public int? IntSetting(string key, string path) => Settings.TryGetValue(key, out var node)
        ? node is JsonValue value && value.TryGetValue(out int number) ? number : throw new DiffuseException($"{path}: {key}: expected an integer, got {node.ToJsonString()}")
        : null;
}
