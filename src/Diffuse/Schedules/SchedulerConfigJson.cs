using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Diffuse.Schedules;

/// <summary>
/// Reads and writes <see cref="SchedulerConfig"/> as diffusers does: snake_case keys, sorted, two-space indent.
/// Python's json writes non-finite floats as bare <c>NaN</c>/<c>Infinity</c>/<c>-Infinity</c> (e.g. DPM-Solver's
/// <c>lambda_min_clipped</c>); those are accepted on reading and written back bare.
/// </summary>
public static partial class SchedulerConfigJson
{
    static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    static readonly HashSet<string> NonFinite = ["NaN", "Infinity", "-Infinity"];

    /// <summary>Loads and validates a config file; every failure is a <see cref="DiffuseException"/> naming the file.</summary>
    public static SchedulerConfig Load(string path)
    {
        if (!File.Exists(path))
            throw new DiffuseException($"scheduler config '{path}' not found");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiffuseException($"scheduler config '{path}' cannot be read: {e.Message}", e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses and validates config JSON; <paramref name="source"/> names it in error messages.</summary>
    public static SchedulerConfig Parse(string json, string source = "scheduler config")
    {
        SchedulerConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<SchedulerConfig>(QuoteNonFinite(json), Options);
        }
        catch (JsonException e)
        {
            throw new DiffuseException($"{source}: not a valid scheduler config ({OneLine(e.Message)})", e);
        }
        if (config is null)
            throw new DiffuseException($"{source}: expected a JSON object, got null");
        try
        {
            config.Validate();
        }
        catch (DiffuseException e)
        {
            throw new DiffuseException($"{source}: {e.Message}", e);
        }
        return config;
    }

    /// <summary>
    /// The keys of a β schedule, which flow-matching schedulers do not have: their configs are written without them, as
    /// diffusers writes them.
    /// </summary>
    static readonly HashSet<string> BetaScheduleKeys =
    [
        "beta_start", "beta_end", "beta_schedule", "trained_betas", "prediction_type", "variance_type", "clip_sample",
        "clip_sample_range", "timestep_spacing", "steps_offset", "rescale_betas_zero_snr", "thresholding",
        "dynamic_thresholding_ratio", "sample_max_value",
    ];

    /// <summary>True for the flow-matching schedulers' configs (<c>FlowMatch…Scheduler</c>), which have no β schedule.</summary>
    public static bool IsFlowMatching(SchedulerConfig config) => IsFlowMatching(config.ClassName);

    /// <summary>True for a flow-matching scheduler's diffusers class name (<c>FlowMatch…Scheduler</c>).</summary>
    public static bool IsFlowMatching(string? className) => className?.StartsWith("FlowMatch", StringComparison.Ordinal) == true;

    /// <summary>The config as diffusers writes it: keys sorted, indent 2, trailing newline.</summary>
    public static string ToJson(SchedulerConfig config)
    {
        var node = JsonSerializer.SerializeToNode(config, Options)!.AsObject();
        if (IsFlowMatching(config))
            foreach (var key in BetaScheduleKeys) node.Remove(key);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in node.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                if (value is JsonValue v && v.TryGetValue(out string? s) && NonFinite.Contains(s))
                    writer.WriteRawValue(s, skipInputValidation: true);
                else if (value is null)
                    writer.WriteNullValue();
                else
                    value.WriteTo(writer, Options);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Writes the config atomically: a temporary file in the same folder, then a rename over the target.</summary>
    public static void Save(SchedulerConfig config, string path)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(temp, ToJson(config));
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new DiffuseException($"scheduler config '{path}' cannot be written: {e.Message}", e);
        }
    }

    // Bare NaN/Infinity outside string literals become strings that AllowNamedFloatingPointLiterals reads.
    static string QuoteNonFinite(string json) =>
        StringOrNonFinite().Replace(json, m => m.Groups["bare"].Success ? $"\"{m.Value}\"" : m.Value);

    [GeneratedRegex("""
        "(?:[^"\\]|\\.)*"|(?<bare>-?Infinity|NaN)
        """)]
    private static partial Regex StringOrNonFinite();

    static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
