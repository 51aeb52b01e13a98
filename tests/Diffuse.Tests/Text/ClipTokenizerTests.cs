using Diffuse.Text;

namespace Diffuse.Tests.Text;

/// <summary>CLIP token ids equal to transformers' slow CLIPTokenizer without ftfy (expected/tokens.json), truncation, masks and folder errors.</summary>
public sealed class ClipTokenizerTests : IDisposable
{
    private static readonly Lazy<ClipTokenizer> Shared = new(() => ClipTokenizer.Load(TinySdFixture.Tokenizer));
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ClipTokenizer Tokenizer => Shared.Value;

    [Fact]
    public void Ids_masks_and_tokens_equal_the_fixture_for_every_prompt()
    {
        var prompts = TinySdFixture.Prompts();
        Assert.Equal(14, prompts.Count);
        foreach (var expected in prompts)
        {
            var encoded = Tokenizer.Encode(expected.Prompt);
            Assert.True(expected.InputIds.SequenceEqual(encoded.InputIds),
                $"{expected.Prompt}: ids [{string.Join(", ", encoded.InputIds)}], expected [{string.Join(", ", expected.InputIds)}]");
            Assert.Equal(expected.AttentionMask, encoded.AttentionMask);
            Assert.Equal(expected.TokensBeforeTruncation, encoded.TokensBeforeTruncation);
            Assert.Equal(expected.Truncated, encoded.Truncated);
            Assert.Equal(expected.Tokens, Tokenizer.Tokenize(expected.Prompt).Take(75));
        }
    }

    [Fact]
    public void Special_ids_and_length_come_from_the_tokenizer_config()
    {
        Assert.Equal(49406, Tokenizer.BosTokenId);
        Assert.Equal(49407, Tokenizer.EosTokenId);
        Assert.Equal(49407, Tokenizer.PadTokenId);
        Assert.Equal(49407, Tokenizer.UnknownTokenId);
        Assert.Equal(77, Tokenizer.ModelMaxLength);
        Assert.Equal(49408, Tokenizer.VocabSize);
    }

    [Fact]
    public void An_over_long_prompt_is_cut_to_77_ids_with_eos_last()
    {
        var prompt = string.Join(" ", Enumerable.Repeat("a red fox", 40));                       // 120 words
        var encoded = Tokenizer.Encode(prompt);
        Assert.Equal(77, encoded.InputIds.Length);
        Assert.True(encoded.Truncated);
        Assert.Equal(122, encoded.TokensBeforeTruncation);
        Assert.Equal(49406, encoded.InputIds[0]);
        Assert.Equal(49407, encoded.InputIds[^1]);
        Assert.DoesNotContain(49407, encoded.InputIds[..^1]);
        Assert.All(encoded.AttentionMask, m => Assert.Equal(1, m));
        Assert.Equal(Tokenizer.TokenIds(prompt).Take(75), encoded.InputIds[1..^1]);
    }

    [Fact]
    public void A_prompt_of_exactly_75_tokens_is_not_truncated()
    {
        var prompt = string.Join(" ", Enumerable.Repeat("a red fox", 25));
        var encoded = Tokenizer.Encode(prompt);
        Assert.False(encoded.Truncated);
        Assert.Equal(77, encoded.TokensBeforeTruncation);
        Assert.Equal(49407, encoded.InputIds[^1]);
    }

    [Fact]
    public void Attention_mask_covers_bos_tokens_and_eos_and_not_the_padding()
    {
        var encoded = Tokenizer.Encode("a photo of a cat");
        Assert.Equal([49406, 320, 1125, 539, 320, 2368, 49407], encoded.InputIds[..7]);
        Assert.Equal(Enumerable.Repeat(1, 7).Concat(Enumerable.Repeat(0, 70)), encoded.AttentionMask);
        Assert.All(encoded.InputIds[7..], id => Assert.Equal(Tokenizer.PadTokenId, id));
    }

    [Fact]
    public void A_shorter_max_length_truncates_and_keeps_eos_last()
    {
        var encoded = Tokenizer.Encode("a photo of an astronaut riding a horse", maxLength: 5);
        Assert.Equal([49406, 320, 1125, 539, 49407], encoded.InputIds);
        Assert.True(encoded.Truncated);
        Assert.Throws<DiffuseArgumentException>(() => Tokenizer.Encode("a", maxLength: 1));
    }

    /// <summary>
    /// Cases past the fixture, ids from a line-by-line Python port of tokenization_clip.py (BasicTokenizer path) run with
    /// Python 3.11 and the regex module: Python's lower() (İ, final sigma), letters and digits outside the BMP, U+0345
    /// matching no pattern alternative, 'ſ' matching 's', special tokens inside words and in capitals, NFC of
    /// compatibility ideographs and Hangul jamo, dropped format characters and no-break spaces.
    /// </summary>
    [Theory]
    [InlineData("ΟΔΟΣ ΣΑΣ.", new[] { 138, 123, 138, 112, 138, 123, 139, 480, 139, 225, 138, 109, 139, 480, 269 })]
    [InlineData("İstanbul", new[] { 328, 16384, 11231 })]
    [InlineData("a𝐀b 𝟏𝟐", new[] { 64, 15889, 222, 321, 6874, 253, 493, 6874, 253, 494 })]
    [InlineData("a\u0345b", new[] { 320, 321 })]
    [InlineData("it'ſ", new[] { 585, 6, 129, 379 })]
    [InlineData("dog<|endoftext|>s", new[] { 1929, 49407, 338 })]
    [InlineData("<|ENDOFTEXT|>", new[] { 49407 })]
    [InlineData("\uF900 \uAC00\u11A8", new[] { 164, 109, 486, 21122, 479 })]
    [InlineData("\u1100\u1161\u11A8", new[] { 21122, 479 })]
    [InlineData("x\u200By\u00A0z", new[] { 11443, 345 })]
    public void Unicode_details_follow_python(string prompt, int[] ids) =>
        Assert.Equal(ids, Tokenizer.TokenIds(prompt));

    [Fact]
    public void Pad_token_of_special_tokens_map_overrides_the_config()
    {
        var folder = TinySdFixture.CopyTokenizer(_temp);
        File.WriteAllText(Path.Combine(folder, ClipTokenizerConfig.SpecialTokensMapFile),
            """{"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": "!", "unk_token": "<|endoftext|>"}""");
        var tokenizer = ClipTokenizer.Load(folder);
        Assert.Equal(0, tokenizer.PadTokenId);                                                  // SD 2.x pads with "!"
        var encoded = tokenizer.Encode("a cat");
        Assert.Equal([49406, 320, 2368, 49407, 0], encoded.InputIds[..5]);
        Assert.Equal([49406, 320, 0, 49407], tokenizer.Encode("a!").InputIds[..4]);            // a special token is split out first
    }

    [Fact]
    public void Added_tokens_are_split_out_with_their_ids()
    {
        var folder = TinySdFixture.CopyTokenizer(_temp);
        File.WriteAllText(Path.Combine(folder, ClipTokenizerConfig.AddedTokensFile), """{"<cat-toy>": 49408}""");
        var tokenizer = ClipTokenizer.Load(folder);
        Assert.Equal([320, 49408, 2368], tokenizer.TokenIds("a <cat-toy> cat"));
        Assert.Equal(["a</w>", "<cat-toy>", "cat</w>"], tokenizer.Tokenize("a <cat-toy> cat"));
    }

    [Theory]
    [InlineData(ClipTokenizer.VocabFile)]
    [InlineData(ClipTokenizer.MergesFile)]
    public void A_folder_missing_a_vocabulary_file_is_a_one_line_error(string missing)
    {
        var folder = TinySdFixture.CopyTokenizer(_temp);
        File.Delete(Path.Combine(folder, missing));
        var e = Assert.Throws<DiffuseException>(() => ClipTokenizer.Load(folder));
        Assert.Contains(missing, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData(ClipTokenizer.VocabFile, "[1, 2]", "vocab.json")]
    [InlineData(ClipTokenizerConfig.ConfigFile, """{"model_max_length": -3}""", "model_max_length")]
    [InlineData(ClipTokenizerConfig.SpecialTokensMapFile, """{"pad_token": "<|never-seen|>"}""", "pad_token")]
    [InlineData(ClipTokenizerConfig.ConfigFile, """{"bos_token": 7}""", "bos_token")]
    public void A_bad_file_is_a_one_line_error_naming_it(string file, string content, string named)
    {
        var folder = TinySdFixture.CopyTokenizer(_temp);
        File.WriteAllText(Path.Combine(folder, file), content);
        var e = Assert.Throws<DiffuseException>(() => ClipTokenizer.Load(folder));
        Assert.Contains(named, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
