using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Diffuse.Pipelines;

namespace Diffuse.Server;

/// <summary>
/// The settings of an image as A1111 writes them into a PNG's <c>parameters</c> text chunk: the prompt, a
/// <c>Negative prompt:</c> line, then one line of <c>Key: value</c> pairs (Steps, Sampler, CFG scale, Seed, Size,
/// Model, and ours: Class, Denoising strength, Mode). <see cref="Parse"/> reads such text back (A1111's own images
/// included) into the request fields the page fills in.
/// </summary>
public static partial class GenerationParameters
{
    public const string Keyword = "parameters";

    public static string Format(string model, ModelInfo info, GenerationOptions options, string mode, double? strength, int? classIndex)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrEmpty(options.Prompt)) text.Append(options.Prompt).Append('\n');
        if (!string.IsNullOrEmpty(options.NegativePrompt)) text.Append("Negative prompt: ").Append(options.NegativePrompt).Append('\n');
        var pairs = new List<(string, string)>
        {
            ("Steps", options.Steps.ToString(CultureInfo.InvariantCulture)),
            ("Sampler", options.Scheduler ?? info.DefaultSampler ?? "default"),
            ("CFG scale", Number(options.GuidanceScale ?? info.DefaultGuidanceScale)),
            ("Seed", options.Seed.ToString(CultureInfo.InvariantCulture)),
            ("Size", $"{options.Width ?? info.Width}x{options.Height ?? info.Height}"),
            ("Model", model),
        };
        if (options.Classes is { Count: > 0 } classes) pairs.Add(("Class", Quote(string.Join(",", classes))));
        else if (classIndex is int k) pairs.Add(("Class", k.ToString(CultureInfo.InvariantCulture)));
        if (options.Eta is double eta) pairs.Add(("Eta", Number(eta)));
        if (strength is double s) pairs.Add(("Denoising strength", Number(s)));
        if (mode != "txt2img") pairs.Add(("Mode", mode));
        text.Append(string.Join(", ", pairs.Select(p => $"{p.Item1}: {p.Item2}")));
        return text.ToString();
    }

    /// <summary>The request fields these parameters give (snake_case names, as POST /api/generate takes them).</summary>
    public static Dictionary<string, object> Parse(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n').ToList();
        var settings = new Dictionary<string, object>();
        var last = lines.Count > 0 ? lines[^1] : "";
        var pairs = Pair().Matches(last).Where(m => m.Success && m.Length > 0).ToList();
        if (pairs.Count >= 2) lines.RemoveAt(lines.Count - 1);
        else pairs = [];
        var prompt = new List<string>();
        var negative = new List<string>();
        foreach (var line in lines)
        {
            if (line.StartsWith("Negative prompt:", StringComparison.Ordinal)) negative.Add(line["Negative prompt:".Length..].Trim());
            else (negative.Count > 0 ? negative : prompt).Add(line);
        }
        if (prompt.Count > 0 && string.Join("\n", prompt).Trim() is { Length: > 0 } p) settings["prompt"] = p;
        if (negative.Count > 0) settings["negative_prompt"] = string.Join("\n", negative).Trim();
        foreach (Match m in pairs)
        {
            var key = m.Groups[1].Value.Trim();
            var value = m.Groups[2].Value.Trim();
            if (value.StartsWith('"') && value.EndsWith('"') && value.Length >= 2) value = value[1..^1].Replace("\\\"", "\"");
            switch (key)
            {
                case "Steps" when int.TryParse(value, CultureInfo.InvariantCulture, out var steps): settings["steps"] = steps; break;
                case "Sampler": settings["sampler"] = value; break;
                case "CFG scale" when double.TryParse(value, CultureInfo.InvariantCulture, out var scale): settings["guidance_scale"] = scale; break;
                case "Seed" when long.TryParse(value, CultureInfo.InvariantCulture, out var seed): settings["seed"] = seed; break;
                case "Eta" when double.TryParse(value, CultureInfo.InvariantCulture, out var eta): settings["eta"] = eta; break;
                case "Denoising strength" when double.TryParse(value, CultureInfo.InvariantCulture, out var strength): settings["strength"] = strength; break;
                case "Model": settings["model"] = value; break;
                case "Mode": settings["mode"] = value; break;
                case "Class":
                    var classes = value.Split(',').Select(c => int.TryParse(c.Trim(), CultureInfo.InvariantCulture, out var k) ? k : -1).ToList();
                    if (classes.All(k => k >= 0)) settings["class"] = classes.Count == 1 ? classes[0] : classes;
                    break;
                case "Size":
                    var size = value.Split('x');
                    if (size.Length == 2 && int.TryParse(size[0], CultureInfo.InvariantCulture, out var w) && int.TryParse(size[1], CultureInfo.InvariantCulture, out var h))
                    {
                        settings["width"] = w;
                        settings["height"] = h;
                    }
                    break;
            }
        }
        return settings;
    }

    static string Number(double x) => x.ToString("0.####", CultureInfo.InvariantCulture);

    static string Quote(string value) => value.Contains(',') ? $"\"{value}\"" : value;

    /// <summary>A1111's <c>re_param</c>: a key, a colon, and a quoted value or one up to the next comma.</summary>
    [GeneratedRegex("""\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)""")]
    private static partial Regex Pair();
}
