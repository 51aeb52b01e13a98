using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diffuse.Text;

/// <summary>
/// The special tokens and length of a CLIP tokenizer folder, read as transformers' <c>from_pretrained</c> reads them:
/// <c>tokenizer_config.json</c>, then <c>special_tokens_map.json</c> over it, over <c>CLIPTokenizer</c>'s defaults
/// (bos <c>&lt;|startoftext|&gt;</c>, eos, unk and pad <c>&lt;|endoftext|&gt;</c>). A token is a string or an
/// <c>AddedToken</c> object with <c>content</c>. Tokens added beyond the vocabulary (<c>added_tokens.json</c>,
/// <c>added_tokens_decoder</c>, as textual inversion saves them) are listed with their ids.
/// </summary>
public sealed record ClipTokenizerConfig
{
    public const string ConfigFile = "tokenizer_config.json";
    public const string SpecialTokensMapFile = "special_tokens_map.json";
    public const string AddedTokensFile = "added_tokens.json";

    /// <summary>CLIP's context length; what every CLIP tokenizer records as <c>model_max_length</c>, used when none is.</summary>
    public const int DefaultModelMaxLength = 77;

    public string BosToken { get; init; } = "<|startoftext|>";
    public string EosToken { get; init; } = "<|endoftext|>";
    public string UnkToken { get; init; } = "<|endoftext|>";
    public string PadToken { get; init; } = "<|endoftext|>";
    public int ModelMaxLength { get; init; } = DefaultModelMaxLength;

    /// <summary>Added tokens by content; their ids may lie past the vocabulary.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens { get; init; } = new Dictionary<string, int>();

    public static ClipTokenizerConfig Load(string folder)
    {
        var config = new ClipTokenizerConfig();
        var added = new Dictionary<string, int>();
        var configPath = Path.Combine(folder, ConfigFile);
        if (File.Exists(configPath))
        {
            var json = ReadObject(configPath);
            config = WithSpecialTokens(config, json, configPath);
            if (json["model_max_length"] is JsonNode length)
            {
                if (length is not JsonValue value || !value.TryGetValue(out double number) || number != Math.Floor(number) || number < 2 || number > int.MaxValue)
                    throw new DiffuseException($"{configPath}: model_max_length must be a whole number from 2 to {int.MaxValue} (got {length.ToJsonString()})");
                config = config with { ModelMaxLength = (int)number };
            }
            if (json["added_tokens_decoder"] is JsonObject decoder)
                foreach (var (id, token) in decoder)
                    added[TokenContent(token, $"added_tokens_decoder.{id}", configPath)!] = ParseId(id, configPath);
        }
        var mapPath = Path.Combine(folder, SpecialTokensMapFile);
        if (File.Exists(mapPath)) config = WithSpecialTokens(config, ReadObject(mapPath), mapPath);
        var addedPath = Path.Combine(folder, AddedTokensFile);
        if (File.Exists(addedPath))
            foreach (var (content, id) in ReadObject(addedPath))
                added[content] = id is JsonValue v && v.TryGetValue(out int number)
                    ? number
                    : throw new DiffuseException($"{addedPath}: the id of '{content}' is not an integer");
        return config with { AddedTokens = added };
    }

    private static ClipTokenizerConfig WithSpecialTokens(ClipTokenizerConfig config, JsonObject json, string path) => config with
    {
        BosToken = TokenContent(json["bos_token"], "bos_token", path) ?? config.BosToken,
        EosToken = TokenContent(json["eos_token"], "eos_token", path) ?? config.EosToken,
        UnkToken = TokenContent(json["unk_token"], "unk_token", path) ?? config.UnkToken,
        PadToken = TokenContent(json["pad_token"], "pad_token", path) ?? config.PadToken,
    };

    /// <summary>The text of a token given as a string or as an AddedToken object; null when absent or null.</summary>
    private static string? TokenContent(JsonNode? token, string key, string path) => token switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? text) && text.Length > 0 => text,
        JsonObject o when o["content"] is JsonValue c && c.TryGetValue(out string? text) && text.Length > 0 => text,
        _ => throw new DiffuseException($"{path}: {key} must be a non-empty string or an object with a \"content\" string"),
    };

    private static int ParseId(string id, string path) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out int number)
            ? number
            : throw new DiffuseException($"{path}: added_tokens_decoder key '{id}' is not a token id");

    private static JsonObject ReadObject(string path)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new DiffuseException($"{path}: not valid JSON: {e.Message.Split('\n')[0]}"); }
        return root as JsonObject ?? throw new DiffuseException($"{path}: not a JSON object");
    }
}
