using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Diffuse.Text;

/// <summary>
/// Unicode normalization form C (UAX #15: canonical decomposition, canonical ordering, canonical composition) from
/// tables embedded in the library. <c>string.Normalize</c> will not do: built with <c>InvariantGlobalization</c>, as this
/// repository is, .NET returns non-ASCII text unnormalized. The tables are Unicode 14.0 as CPython 3.11's
/// <c>unicodedata</c> holds them (Text/Embedded/README.md). The composition loop is the sample code of UAX #15.
/// </summary>
internal static class UnicodeNfc
{
    // Hangul syllables decompose and compose by formula (Unicode chapter 3.12).
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;
    private const string Resource = "Diffuse.Text.Embedded.unicode-nfc.txt.gz";

    private sealed record Tables(Dictionary<int, int[]> Decompositions, Dictionary<int, int> CombiningClasses, Dictionary<long, int> Compositions);

    private static readonly Lazy<Tables> Data = new(Load);

    public static string Normalize(string text)
    {
        if (Ascii.IsValid(text)) return text;
        var tables = Data.Value;
        var points = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes()) Decompose(rune.Value, tables, points);
        if (points.Count == 0) return text;

        // Canonical ordering: a stable sort of each run of non-starters by combining class.
        for (int i = 1; i < points.Count; i++)
        {
            int ccc = Ccc(points[i], tables);
            for (int j = i; ccc != 0 && j > 0 && Ccc(points[j - 1], tables) > ccc; j--)
                (points[j - 1], points[j]) = (points[j], points[j - 1]);
        }

        // Canonical composition: a character joins the last starter unless blocked by one of equal or higher class.
        int starterPos = 0, starter = points[0], lastClass = Ccc(starter, tables) == 0 ? 0 : 256, kept = 1;
        for (int i = 1; i < points.Count; i++)
        {
            int ch = points[i], chClass = Ccc(ch, tables);
            int composite = Compose(starter, ch, tables);
            if (composite >= 0 && (lastClass < chClass || lastClass == 0))
            {
                points[starterPos] = starter = composite;
                continue;
            }
            if (chClass == 0)
            {
                starterPos = kept;
                starter = ch;
            }
            lastClass = chClass;
            points[kept++] = ch;
        }

        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < kept; i++) sb.Append(new Rune(points[i]).ToString());
        return sb.ToString();
    }

    private static void Decompose(int cp, Tables tables, List<int> into)
    {
        int s = cp - SBase;
        if (s is >= 0 and < SCount)
        {
            into.Add(LBase + s / NCount);
            into.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0) into.Add(TBase + s % TCount);
            return;
        }
        if (!tables.Decompositions.TryGetValue(cp, out var parts))
        {
            into.Add(cp);
            return;
        }
        foreach (int part in parts) Decompose(part, tables, into);
    }

    private static int Compose(int first, int second, Tables tables)
    {
        int l = first - LBase, v = second - VBase;
        if (l is >= 0 and < LCount && v is >= 0 and < VCount) return SBase + (l * VCount + v) * TCount;
        int s = first - SBase, t = second - TBase;
        if (s is >= 0 and < SCount && s % TCount == 0 && t is > 0 and < TCount) return first + t;
        return tables.Compositions.TryGetValue(((long)first << 21) | (uint)second, out int composite) ? composite : -1;
    }

    private static int Ccc(int cp, Tables tables) => tables.CombiningClasses.TryGetValue(cp, out int ccc) ? ccc : 0;

    private static Tables Load()
    {
        using var stream = typeof(UnicodeNfc).Assembly.GetManifestResourceStream(Resource)
            ?? throw new DiffuseException($"the library was built without its resource {Resource}");
        using var reader = new StreamReader(new GZipStream(stream, CompressionMode.Decompress));
        var decompositions = new Dictionary<int, int[]>();
        var classes = new Dictionary<int, int>();
        var excluded = new HashSet<int>();
        static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split(' ');
            switch (f[0])
            {
                case "d": decompositions[Hex(f[1])] = f.Skip(2).Select(Hex).ToArray(); break;
                case "x": excluded.Add(Hex(f[1])); break;
                case "c": classes[Hex(f[1])] = int.Parse(f[2], CultureInfo.InvariantCulture); break;
            }
        }
        var compositions = new Dictionary<long, int>();
        foreach (var (cp, parts) in decompositions)
            if (parts.Length == 2 && !excluded.Contains(cp)) compositions[((long)parts[0] << 21) | (uint)parts[1]] = cp;
        return new Tables(decompositions, classes, compositions);
    }
}
