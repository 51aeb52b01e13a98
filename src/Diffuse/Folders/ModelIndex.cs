using Diffuse.Formats;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diffuse.Folders;

/// <summary>
/// A pipeline's <c>model_index.json</c>: the pipeline class and, per component folder, the library and
/// class that load it (<c>"unet": ["diffusers", "UNet2DModel"]</c>). diffusers' <c>from_pretrained</c>
/// reads the folder through this file, so it is written exactly as <c>save_pretrained</c> writes it
/// (keys sorted, two-space indent, trailing newline).
/// </summary>
public static class ModelIndex
{
    public const string PipelineClassName = "DDPMPipeline";
    public const string DiffusersVersion = "0.31.0";

    private static readonly string[] SupportedUNets = ["UNet2DModel", "ToyMlp"];

    public static void Save(string path, string schedulerClass, (string Library, string ClassName) unet)
    {
        var index = new JsonObject
        {
            ["_class_name"] = PipelineClassName,
            ["_diffusers_version"] = DiffusersVersion,
            ["scheduler"] = new JsonArray("diffusers", schedulerClass),
            ["unet"] = new JsonArray(unet.Library, unet.ClassName),
        };
        AtomicFile.WriteAllText(path, index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// Checks that the file is JSON and that its <c>unet</c> entry, when present, names a model this
    /// library builds. Other pipeline classes (DDIMPipeline, ...) hold the same two components and are accepted.
    /// </summary>
    public static void Check(string path)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new DiffuseException($"{path}: not valid JSON: {e.Message.Split('\n')[0]}"); }
        if (root is not JsonObject index) throw new DiffuseException($"{path}: not a JSON object");
        if (!index.TryGetPropertyValue("unet", out var unet)) return;
        if (unet is not JsonArray { Count: 2 } entry || entry[1] is not JsonValue value || !value.TryGetValue(out string? className))
            throw new DiffuseException($"{path}: unet: expected [library, class name], got {unet?.ToJsonString() ?? "null"}");
        if (!SupportedUNets.Contains(className))
            throw new DiffuseException($"{path}: unet: '{className}' is not supported (supported: {string.Join(", ", SupportedUNets)})");
    }
}
