using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Diffuse.Text;

/// <summary>
/// CLIP's tokenizer, giving the ids transformers' slow <c>CLIPTokenizer</c> gives when <c>ftfy</c> is not installed
/// (tokenization_clip.py, tokenization_utils.py): special and added tokens are split out of the raw text first, each
/// piece between them is cleaned (<see cref="ClipTextCleaner"/>) and cut into words (<see cref="ClipPreTokenizer"/>),
/// and each word goes through byte-level BPE with <c>&lt;/w&gt;</c> marking its end; <see cref="Encode"/> adds bos and
/// eos, truncates and pads. The BPE is Microsoft.ML.Tokenizers' <c>BpeTokenizer</c> (byte-level, end-of-word suffix),
/// which gives transformers' merges exactly; its normalizers and regex pre-tokenizer are not used, because under
/// InvariantGlobalization .NET does not normalize to NFC ("cafe\u0301" would not become "café") and .NET's regex
/// classes see UTF-16 code units, not the code points Python's <c>regex</c> sees.
/// </summary>
public sealed class ClipTokenizer
{
    public const string VocabFile = "vocab.json";
    public const string MergesFile = "merges.txt";

    /// <summary>transformers keeps lines 1 to 49152 - 256 - 2 of merges.txt: the first line is a header, whatever it says.</summary>
    private const int MaxMerges = 49152 - 256 - 2;

    /// <summary>Words the BPE cache of transformers starts with, mapped to their own vocabulary entries.</summary>
    private static readonly string[] CachedWords = ["<|startoftext|>", "<|endoftext|>"];

    private readonly BpeTokenizer _bpe;
    private readonly IReadOnlyDictionary<string, int> _vocabulary;
    private readonly IReadOnlyList<string> _merges;
    private readonly Dictionary<int, string> _tokenById;
    private readonly KeyValuePair<string, int>[] _addedTokens;

    public ClipTokenizerConfig Config { get; }
    public int BosTokenId { get; }
    public int EosTokenId { get; }
    public int PadTokenId { get; }
    public int UnknownTokenId { get; }

    /// <summary>The length <see cref="Encode"/> pads and truncates to unless told otherwise (<c>model_max_length</c>).</summary>
    public int ModelMaxLength => Config.ModelMaxLength;

    /// <summary>Entries of vocab.json (transformers' <c>vocab_size</c>; added tokens not counted).</summary>
    public int VocabSize => _vocabulary.Count;

    private ClipTokenizer(BpeTokenizer bpe, IReadOnlyDictionary<string, int> vocabulary, IReadOnlyList<string> merges, ClipTokenizerConfig config, string folder)
    {
        _bpe = bpe;
        _vocabulary = vocabulary;
        _merges = merges;
        Config = config;
        var special = new Dictionary<string, int>(config.AddedTokens);
        int Id(string token, string key) =>
            special.TryGetValue(token, out int id) || vocabulary.TryGetValue(token, out id)
                ? id
                : throw new DiffuseException($"{folder}: {key} '{token}' is neither in {VocabFile} nor an added token");
        BosTokenId = Id(config.BosToken, "bos_token");
        EosTokenId = Id(config.EosToken, "eos_token");
        UnknownTokenId = Id(config.UnkToken, "unk_token");
        PadTokenId = Id(config.PadToken, "pad_token");
        special[config.BosToken] = BosTokenId;
        special[config.EosToken] = EosTokenId;
        special[config.UnkToken] = UnknownTokenId;
        special[config.PadToken] = PadTokenId;
        _addedTokens = special.OrderByDescending(t => t.Key.Length).ToArray();
        _tokenById = vocabulary.GroupBy(t => t.Value).ToDictionary(g => g.Key, g => g.First().Key);
        foreach (var (content, id) in special) _tokenById.TryAdd(id, content);
    }

    /// <summary>The tokenizer of a <c>tokenizer/</c> folder: vocab.json, merges.txt and the optional configs.</summary>
    public static ClipTokenizer Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new DiffuseException($"{folder}: tokenizer folder not found");
        var vocabulary = ReadVocabulary(Path.Combine(folder, VocabFile), folder);
        var merges = ReadMerges(Path.Combine(folder, MergesFile), folder);
        var config = ClipTokenizerConfig.Load(folder);
        var options = new BpeOptions(vocabulary)
        {
            Merges = merges,
            EndOfWordSuffix = "</w>",
            ByteLevel = true,
            UnknownToken = vocabulary.ContainsKey(config.UnkToken) ? config.UnkToken : null,
        };
        BpeTokenizer bpe;
        try { bpe = BpeTokenizer.Create(options); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new DiffuseException($"{folder}: {VocabFile} and {MergesFile} do not make a BPE tokenizer: {e.Message.Split('\n')[0]}");
        }
        return new ClipTokenizer(bpe, vocabulary, merges, config, folder);
    }

    /// <summary>
    /// Writes a <c>tokenizer/</c> folder transformers' <c>CLIPTokenizer.from_pretrained</c> reads and <see cref="Load"/>
    /// reads back to the same ids: vocab.json (in id order), merges.txt (a version header, then the merges in rank
    /// order), tokenizer_config.json and special_tokens_map.json (and added_tokens.json when there are added tokens).
    /// </summary>
    public void Save(string folder) => ClipTokenizerFiles.Write(folder, _vocabulary, _merges, Config);

    /// <summary>Bos, the prompt's tokens, eos, padded with the pad id to <paramref name="maxLength"/> (default <see cref="ModelMaxLength"/>); tokens past it are dropped, eos stays last.</summary>
    public ClipTokenization Encode(string prompt, int? maxLength = null)
    {
        int length = maxLength ?? ModelMaxLength;
        if (length < 2) throw new DiffuseArgumentException("max_length", $"must be at least 2, room for the bos and eos tokens (got {length})");
        var ids = TokenIds(prompt);
        int kept = Math.Min(ids.Count, length - 2);
        var inputIds = new int[length];
        var mask = new int[length];
        inputIds[0] = BosTokenId;
        for (int i = 0; i < kept; i++) inputIds[i + 1] = ids[i];
        inputIds[kept + 1] = EosTokenId;
        for (int i = kept + 2; i < length; i++) inputIds[i] = PadTokenId;
        for (int i = 0; i < kept + 2; i++) mask[i] = 1;
        return new ClipTokenization(inputIds, mask, ids.Count + 2, ids.Count > kept);
    }

    /// <summary>The token ids of <paramref name="text"/>, without bos and eos (transformers' <c>encode(text, add_special_tokens=False)</c>).</summary>
    public IReadOnlyList<int> TokenIds(string text)
    {
        if (text is null) throw new DiffuseArgumentException("prompt", "must not be null");
        var ids = new List<int>();
        foreach (var (piece, addedId) in SplitOnAddedTokens(text))
        {
            if (addedId is int id)
            {
                ids.Add(id);
                continue;
            }
            foreach (var word in ClipPreTokenizer.Split(ClipTextCleaner.Clean(piece)))
            {
                if (CachedWords.Contains(word)) ids.Add(_vocabulary.TryGetValue(word, out int cached) ? cached : UnknownTokenId);
                else ids.AddRange(_bpe.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false));
            }
        }
        return ids;
    }

    /// <summary>The BPE tokens of <paramref name="text"/> as vocab.json spells them (transformers' <c>tokenize</c>).</summary>
    public IReadOnlyList<string> Tokenize(string text) => TokenIds(text).Select(id => _tokenById[id]).ToArray();

    /// <summary>
    /// The text cut at each added or special token (longest first where two start at the same place), as transformers'
    /// <c>tokens_trie.split</c> does before any clean-up.
    /// </summary>
    private IEnumerable<(string Piece, int? Id)> SplitOnAddedTokens(string text)
    {
        int start = 0;
        for (int i = 0; i < text.Length;)
        {
            var match = _addedTokens.FirstOrDefault(t => string.CompareOrdinal(text, i, t.Key, 0, t.Key.Length) == 0);
            if (match.Key is null)
            {
                i++;
                continue;
            }
            if (i > start) yield return (text[start..i], null);
            yield return (match.Key, match.Value);
            i += match.Key.Length;
            start = i;
        }
        if (start < text.Length) yield return (text[start..], null);
    }

    private static Dictionary<string, int> ReadVocabulary(string path, string folder)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{folder}: {VocabFile} is missing");
        Dictionary<string, int>? vocabulary;
        try { vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new DiffuseException($"{path}: not a vocabulary (a JSON object of token to id): {e.Message.Split('\n')[0]}"); }
        if (vocabulary is null || vocabulary.Count == 0) throw new DiffuseException($"{path}: the vocabulary is empty");
        return vocabulary;
    }

    private static List<string> ReadMerges(string path, string folder)
    {
        if (!File.Exists(path)) throw new DiffuseException($"{folder}: {MergesFile} is missing");
        var lines = File.ReadAllText(path).Trim().Split('\n');
        var merges = new List<string>(Math.Min(lines.Length, MaxMerges));
        for (int i = 1; i < lines.Length && i <= MaxMerges; i++)
        {
            var pair = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (pair.Length == 0) continue;                                // a blank line holds a rank and matches nothing
            if (pair.Length != 2) throw new DiffuseException($"{path}: line {i + 1} is not a merge (two symbols separated by a space)");
            merges.Add($"{pair[0]} {pair[1]}");
        }
        return merges;
    }
}
