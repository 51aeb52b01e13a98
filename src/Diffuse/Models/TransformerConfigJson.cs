using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Formats;

namespace Diffuse.Models;

/// <summary>Reading and writing the transformers' <c>config.json</c> (keys as diffusers writes them; null values kept, as Python's None).</summary>
static class TransformerConfigJson
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static T Load<T>(string path, string className) where T : class
    {
        if (!File.Exists(path)) throw new DiffuseException($"{path}: model config not found");
        return Parse<T>(File.ReadAllText(path), path, className);
    }

    public static T Parse<T>(string json, string source, string className) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json) ?? throw new DiffuseException($"{source}: empty {className} config");
        }
        catch (JsonException e)
        {
            string where = e.Path is { Length: > 2 } p && !e.Message.Contains("Path:") ? $"{p[2..]}: " : "";
            throw new DiffuseException($"{source}: not a valid {className} config: {where}{e.Message.Split('\n')[0]}");
        }
    }

    public static void Save<T>(T config, string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(config, Json) + "\n");
}
