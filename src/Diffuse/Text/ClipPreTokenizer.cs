using System.Globalization;
using System.Text;

namespace Diffuse.Text;

/// <summary>
/// Splits cleaned text into the words BPE works on, as CLIP's pattern does with Python's <c>regex</c> module
/// (tokenization_clip.py: <c>re.findall(self.pat, text)</c>):
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>,
/// case-insensitive. Written out instead of run by .NET's <c>Regex</c>, which matches UTF-16 code units: a letter or
/// digit outside the Basic Multilingual Plane (𝐀, 𝟏) would not be <c>\p{L}</c> or <c>\p{N}</c> there. Two details of
/// the Python pattern are kept: under IGNORECASE 'ſ' (U+017F) matches 's', and U+0345, a mark whose case variant is
/// the letter ι, matches no alternative and is skipped.
/// </summary>
internal static class ClipPreTokenizer
{
    private static readonly string[] Literals = ["<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    private enum Kind { Skipped, Letter, Number, Other }

    public static IEnumerable<string> Split(string text)
    {
        int i = 0;
        while (i < text.Length)
        {
            var kind = KindAt(text, i, out int width);
            if (kind == Kind.Skipped)
            {
                i += width;
                continue;
            }
            int literal = LiteralAt(text, i);
            if (literal > 0)
            {
                yield return text.Substring(i, literal);
                i += literal;
                continue;
            }
            int start = i;
            i += width;
            if (kind != Kind.Number)                                      // letters and other symbols run on; a digit stands alone
                while (i < text.Length && KindAt(text, i, out width) == kind) i += width;
            yield return text[start..i];
        }
    }

    private static Kind KindAt(string text, int index, out int width)
    {
        var rune = Rune.GetRuneAt(text, index);
        width = rune.Utf16SequenceLength;
        if (Rune.IsWhiteSpace(rune) || rune.Value == 0x345) return Kind.Skipped;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Kind.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Kind.Number,
            _ => Kind.Other,
        };
    }

    /// <summary>The length of the first literal alternative matching at <paramref name="index"/>, or 0.</summary>
    private static int LiteralAt(string text, int index)
    {
        foreach (var literal in Literals)
        {
            if (index + literal.Length > text.Length) continue;
            bool match = true;
            for (int k = 0; k < literal.Length && match; k++)
                match = SameIgnoringCase(text[index + k], literal[k]);
            if (match) return literal.Length;
        }
        return 0;
    }

    private static bool SameIgnoringCase(char actual, char expected) =>
        char.ToLowerInvariant(actual) == expected || (expected == 's' && actual == 'ſ');
}
