using System.Text.Json;

namespace Diffuse.Tests.Text;

/// <summary>The tiny Stable Diffusion folder of the shared interop fixtures and what transformers-style code computed with it.</summary>
internal static class TinySdFixture
{
    public static string Folder => Path.Combine(Fixtures.InteropFolder, "tiny-sd");

    public static string Tokenizer => Path.Combine(Folder, "tokenizer");

    public static string TextEncoder => Path.Combine(Folder, "text_encoder");

    public static string Expected(string file) => Path.Combine(Folder, "expected", file);

    /// <summary>One entry of expected/tokens.json.</summary>
    public sealed record PromptTokens(string Prompt, int[] InputIds, int[] AttentionMask, string[] Tokens, int TokensBeforeTruncation, bool Truncated);

    public static IReadOnlyList<PromptTokens> Prompts()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Expected("tokens.json")));
        static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
        return doc.RootElement.GetProperty("prompts").EnumerateArray().Select(p => new PromptTokens(
            p.GetProperty("prompt").GetString()!,
            Ints(p.GetProperty("input_ids")),
            Ints(p.GetProperty("attention_mask")),
            p.GetProperty("tokens").EnumerateArray().Select(x => x.GetString()!).ToArray(),
            p.GetProperty("num_tokens_before_truncation").GetInt32(),
            p.GetProperty("truncated").GetBoolean())).ToList();
    }

    /// <summary>A copy of the tokenizer folder to change; the caller owns <paramref name="temp"/>.</summary>
    public static string CopyTokenizer(TempFolder temp)
    {
        var copy = temp.File("tokenizer");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(Tokenizer)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }
}
