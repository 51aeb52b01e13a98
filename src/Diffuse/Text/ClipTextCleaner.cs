using System.Globalization;
using System.Text;

namespace Diffuse.Text;

/// <summary>
/// The text clean-up transformers' <c>CLIPTokenizer</c> does when <c>ftfy</c> is not installed (the usual case):
/// <c>BasicTokenizer(strip_accents=False, do_split_on_punc=False).tokenize(text)</c> joined by spaces
/// (tokenization_clip.py, <c>_tokenize</c>). That drops U+0000, U+FFFD and control and format characters, turns every
/// whitespace character into a space, puts spaces around CJK ideographs, normalizes to NFC, splits on whitespace and
/// lower-cases each word as Python does. Nothing else: no accent stripping, no HTML unescaping (OpenAI's
/// simple_tokenizer does that, transformers does not), no splitting on punctuation.
/// </summary>
internal static class ClipTextCleaner
{
    public static string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            int cp = rune.Value;
            if (cp is 0 or 0xFFFD || IsControl(rune)) continue;           // _clean_text
            if (IsWhitespace(rune)) sb.Append(' ');
            else if (IsCjkIdeograph(cp)) sb.Append(' ').Append(rune.ToString()).Append(' ');   // _tokenize_chinese_chars
            else sb.Append(rune.ToString());
        }
        var words = UnicodeNfc.Normalize(sb.ToString()).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Select(PythonLowercase.Lower));
    }

    /// <summary>transformers' <c>_is_control</c>: general category C*, except tab, newline and carriage return.</summary>
    private static bool IsControl(Rune r) =>
        r.Value is not ('\t' or '\n' or '\r')
        && Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    /// <summary>transformers' <c>_is_whitespace</c>: space, tab, newline, carriage return or category Zs.</summary>
    private static bool IsWhitespace(Rune r) =>
        r.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(r) == UnicodeCategory.SpaceSeparator;

    /// <summary>BasicTokenizer's <c>_is_chinese_char</c>: the CJK Unified Ideographs blocks and their extensions.</summary>
    private static bool IsCjkIdeograph(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
