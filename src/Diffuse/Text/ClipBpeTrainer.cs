namespace Diffuse.Text;

/// <summary>
/// A small CLIP tokenizer learned from captions: CLIP's byte-level BPE (Sennrich et al. 2016; Radford et al. 2019's
/// byte alphabet) with CLIP's vocabulary layout (the 256 byte symbols, the same with <c>&lt;/w&gt;</c>, one entry per
/// merge, then <c>&lt;|startoftext|&gt;</c> and <c>&lt;|endoftext|&gt;</c>), and merges learned greedily, most frequent
/// pair first, until every caption word is one token. Any text still tokenizes (into bytes at worst), and the
/// vocabulary is a few hundred entries instead of CLIP's 49,408, so a text encoder trained from scratch on the
/// captions is small.
/// </summary>
public static class ClipBpeTrainer
{
    public const string EndOfWord = "</w>";
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    /// <summary>Learns the merges of <paramref name="captions"/> and writes the tokenizer folder; returns it loaded.</summary>
    /// <param name="modelMaxLength">the length prompts are padded and cut to (bos and eos included).</param>
    public static ClipTokenizer Train(IEnumerable<string> captions, string folder, int modelMaxLength)
    {
        if (modelMaxLength < 2) throw new DiffuseArgumentException("max_length", $"must be at least 2 (got {modelMaxLength})");
        var (symbols, inOrder) = ByteAlphabet();
        var words = new Dictionary<string, (List<string> Symbols, long Count)>(StringComparer.Ordinal);
        foreach (var caption in captions)
            foreach (var word in ClipPreTokenizer.Split(ClipTextCleaner.Clean(caption)))
            {
                if (words.TryGetValue(word, out var known)) { words[word] = (known.Symbols, known.Count + 1); continue; }
                var pieces = System.Text.Encoding.UTF8.GetBytes(word).Select(b => symbols[b].ToString()).ToList();
                pieces[^1] += EndOfWord;
                words[word] = (pieces, 1);
            }

        var merges = new List<string>();
        while (true)
        {
            var pairs = new Dictionary<(string, string), long>();
            foreach (var (pieces, count) in words.Values)
                for (int i = 0; i + 1 < pieces.Count; i++)
                    pairs[(pieces[i], pieces[i + 1])] = pairs.GetValueOrDefault((pieces[i], pieces[i + 1])) + count;
            if (pairs.Count == 0) break;
            // The most frequent pair; ties by the pair's text, so the result does not depend on dictionary order.
            var best = pairs.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Item1 + " " + p.Key.Item2, StringComparer.Ordinal).First().Key;
            merges.Add(best.Item1 + " " + best.Item2);
            foreach (var (pieces, _) in words.Values)
                for (int i = 0; i + 1 < pieces.Count; i++)
                    if (pieces[i] == best.Item1 && pieces[i + 1] == best.Item2)
                    {
                        pieces[i] += pieces[i + 1];
                        pieces.RemoveAt(i + 1);
                    }
        }

        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in inOrder) vocabulary[s.ToString()] = vocabulary.Count;
        foreach (var s in inOrder) vocabulary[s + EndOfWord] = vocabulary.Count;
        foreach (var merge in merges) vocabulary.TryAdd(merge.Replace(" ", ""), vocabulary.Count);
        vocabulary[StartOfText] = vocabulary.Count;
        vocabulary[EndOfText] = vocabulary.Count;
        ClipTokenizerFiles.Write(folder, vocabulary, merges, new ClipTokenizerConfig { ModelMaxLength = modelMaxLength });
        return ClipTokenizer.Load(folder);
    }

    /// <summary>
    /// GPT-2's <c>bytes_to_unicode</c>: printable bytes stand for themselves, the others for 256 + n. Returns the symbol
    /// of each byte value and the symbols in the mapping's order (CLIP's vocabulary order).
    /// </summary>
    public static (char[] ByByte, char[] InOrder) ByteAlphabet()
    {
        var bytes = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToList();
        var chars = bytes.Select(b => (char)b).ToList();
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            if (bytes.Contains(b)) continue;
            bytes.Add(b);
            chars.Add((char)(256 + n++));
        }
        var byByte = new char[256];
        for (int i = 0; i < 256; i++) byByte[bytes[i]] = chars[i];
        return (byByte, chars.ToArray());
    }
}
