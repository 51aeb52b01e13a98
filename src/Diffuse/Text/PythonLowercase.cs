using System.Globalization;
using System.Text;

namespace Diffuse.Text;

/// <summary>
/// Python's <c>str.lower()</c>, which uses Unicode's full lowercase mapping; .NET's <c>Rune.ToLowerInvariant</c> is
/// the simple mapping. They differ in two places (CPython <c>Objects/unicodeobject.c</c>, <c>lower_ucs4</c> and
/// <c>handle_capital_sigma</c>): U+0130 İ becomes "i" + U+0307 (SpecialCasing.txt), and a capital sigma at the end
/// of a word becomes final ς. The properties Cased and Case_Ignorable of that rule are taken from general categories
/// plus the few characters Unicode adds to them (DerivedCoreProperties.txt).
/// </summary>
internal static class PythonLowercase
{
    private const int CapitalSigma = 0x3A3;

    public static string Lower(string text)
    {
        var runes = text.EnumerateRunes().ToArray();
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < runes.Length; i++)
        {
            int cp = runes[i].Value;
            if (cp == 0x130) sb.Append("i\u0307");
            else if (cp == CapitalSigma) sb.Append(IsFinalSigma(runes, i) ? 'ς' : 'σ');
            else sb.Append(Rune.ToLowerInvariant(runes[i]).ToString());
        }
        return sb.ToString();
    }

    /// <summary>Final_Sigma: a cased letter before (case-ignorables skipped) and none after.</summary>
    private static bool IsFinalSigma(Rune[] runes, int at)
    {
        int j = at - 1;
        while (j >= 0 && IsCaseIgnorable(runes[j])) j--;
        if (j < 0 || !IsCased(runes[j])) return false;
        j = at + 1;
        while (j < runes.Length && IsCaseIgnorable(runes[j])) j++;
        return j == runes.Length || !IsCased(runes[j]);
    }

    private static bool IsCased(Rune r)
    {
        var category = Rune.GetUnicodeCategory(r);
        if (category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter) return true;
        // Other_Lowercase and Other_Uppercase outside the letters: ª º, Roman numerals, circled and squared Latin letters.
        int cp = r.Value;
        return cp is 0xAA or 0xBA or (>= 0x2160 and <= 0x217F) or (>= 0x24B6 and <= 0x24E9)
            or (>= 0x1F130 and <= 0x1F149) or (>= 0x1F150 and <= 0x1F169) or (>= 0x1F170 and <= 0x1F189);
    }

    private static bool IsCaseIgnorable(Rune r)
    {
        var category = Rune.GetUnicodeCategory(r);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol) return true;
        // Word_Break MidLetter, MidNumLet and Single_Quote.
        return r.Value is '\'' or '.' or ':' or 0xB7 or 0x387 or 0x55F or 0x5F4 or 0x2018 or 0x2019 or 0x2024 or 0x2027
            or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A;
    }
}
