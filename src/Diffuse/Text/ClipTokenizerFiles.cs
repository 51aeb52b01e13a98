using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffuse.Formats;

namespace Diffuse.Text;

/// <summary>The files of a CLIP <c>tokenizer/</c> folder, written as transformers' <c>save_pretrained</c> lays them out.</summary>
internal static class ClipTokenizerFiles
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(string folder, IReadOnlyDictionary<string, int> vocabulary, IReadOnlyList<string> merges, ClipTokenizerConfig config)
    {
        Directory.CreateDirectory(folder);
        var vocab = new JsonObject(vocabulary.OrderBy(p => p.Value).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        AtomicFile.WriteAllText(Path.Combine(folder, ClipTokenizer.VocabFile), vocab.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        AtomicFile.WriteAllText(Path.Combine(folder, ClipTokenizer.MergesFile), "#version: 0.2\n" + string.Join("\n", merges) + "\n");
        static JsonObject Token(string content) => new()
        {
            ["content"] = content, ["lstrip"] = false, ["normalized"] = true, ["rstrip"] = false, ["single_word"] = false,
        };
        var tokenizerConfig = new JsonObject
        {
            ["add_prefix_space"] = false,
            ["bos_token"] = Token(config.BosToken),
            ["do_lower_case"] = true,
            ["eos_token"] = Token(config.EosToken),
            ["errors"] = "replace",
            ["model_max_length"] = config.ModelMaxLength,
            ["pad_token"] = config.PadToken,
            ["tokenizer_class"] = "CLIPTokenizer",
            ["unk_token"] = Token(config.UnkToken),
        };
        AtomicFile.WriteAllText(Path.Combine(folder, ClipTokenizerConfig.ConfigFile), tokenizerConfig.ToJsonString(Indented) + "\n");
        var map = new JsonObject
        {
            ["bos_token"] = Token(config.BosToken), ["eos_token"] = Token(config.EosToken),
            ["pad_token"] = config.PadToken, ["unk_token"] = Token(config.UnkToken),
        };
        AtomicFile.WriteAllText(Path.Combine(folder, ClipTokenizerConfig.SpecialTokensMapFile), map.ToJsonString(Indented) + "\n");
        if (config.AddedTokens.Count > 0)
        {
            var added = new JsonObject(config.AddedTokens.OrderBy(p => p.Value).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
            AtomicFile.WriteAllText(Path.Combine(folder, ClipTokenizerConfig.AddedTokensFile), added.ToJsonString(Indented) + "\n");
        }
    }
}
