using Diffuse.Text;

namespace Diffuse.Tests.Text;

public sealed class ClipBpeTrainerTests
{
    private static readonly string[] Captions = ["a red t-shirt", "a blue ankle boot", "a pink bag", "a red shirt"];

    [Fact]
    public void Every_caption_word_becomes_one_token_and_other_text_falls_back_to_bytes()
    {
        using var temp = new TempFolder();
        var tokenizer = ClipBpeTrainer.Train(Captions, temp.Path, modelMaxLength: 8);
        Assert.Equal(["a</w>", "red</w>", "t</w>", "-</w>", "shirt</w>"], tokenizer.Tokenize("a red t-shirt"));
        Assert.Equal(["a</w>", "blue</w>", "ankle</w>", "boot</w>"], tokenizer.Tokenize("A  Blue ankle boot"));
        // An unseen word still tokenizes, into the learned pieces and bytes.
        Assert.Equal("hat</w>", string.Concat(tokenizer.Tokenize("hat")).Replace("</w>", "") + "</w>");
        // CLIP's layout: 256 byte symbols, the same with </w>, the merges, then bos and eos.
        Assert.Equal(tokenizer.VocabSize - 2, tokenizer.BosTokenId);
        Assert.Equal(tokenizer.VocabSize - 1, tokenizer.EosTokenId);
        Assert.True(tokenizer.VocabSize < 600, $"vocabulary of {tokenizer.VocabSize}");
        var encoded = tokenizer.Encode("a pink bag");
        Assert.Equal(8, encoded.InputIds.Length);
        Assert.Equal([tokenizer.BosTokenId, tokenizer.Tokenize("a").Count == 1 ? encoded.InputIds[1] : -1], encoded.InputIds[..2]);
        Assert.Equal(tokenizer.EosTokenId, encoded.InputIds[4]);
    }

    [Fact]
    public void A_saved_tokenizer_reads_back_to_the_same_ids_and_files()
    {
        using var temp = new TempFolder();
        var tokenizer = ClipBpeTrainer.Train(Captions, temp.File("a"), modelMaxLength: 8);
        tokenizer.Save(temp.File("b"));
        var again = ClipTokenizer.Load(temp.File("b"));
        foreach (var prompt in Captions.Append("a purple sneaker!").Append(""))
            Assert.Equal(tokenizer.Encode(prompt).InputIds, again.Encode(prompt).InputIds);
        foreach (var file in new[] { ClipTokenizer.VocabFile, ClipTokenizer.MergesFile, "tokenizer_config.json", "special_tokens_map.json" })
            Assert.Equal(File.ReadAllText(Path.Combine(temp.File("a"), file)), File.ReadAllText(Path.Combine(temp.File("b"), file)));
    }

    [Fact]
    public void The_clip_tokenizer_of_tiny_sd_saves_and_reads_back_to_the_same_ids()
    {
        using var temp = new TempFolder();
        var tokenizer = ClipTokenizer.Load(TinySdFixture.Tokenizer);
        tokenizer.Save(temp.Path);
        var again = ClipTokenizer.Load(temp.Path);
        Assert.Equal(tokenizer.VocabSize, again.VocabSize);
        foreach (var p in TinySdFixture.Prompts())
            Assert.Equal(p.InputIds, again.Encode(p.Prompt).InputIds);
    }
}
