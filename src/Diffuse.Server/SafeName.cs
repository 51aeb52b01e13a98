using System.Text.RegularExpressions;

namespace Diffuse.Server;

/// <summary>
/// The only file names a request may name: letters, digits, dot, dash and underscore, not starting with a dot, so
/// no separator, no <c>..</c> and nothing hidden, however it was encoded on the way in. A path built from one is
/// checked again to lie directly in its folder.
/// </summary>
public static partial class SafeName
{
    public static bool IsValid(string? name) => name is { Length: > 0 and <= 128 } && Pattern().IsMatch(name);

    /// <summary>The full path of <paramref name="name"/> directly in <paramref name="folder"/>, or null when it names anything else.</summary>
    public static string? In(string folder, string? name)
    {
        if (!IsValid(name)) return null;
        var root = Path.GetFullPath(folder);
        var full = Path.GetFullPath(Path.Combine(root, name!));
        return Path.GetDirectoryName(full) == root.TrimEnd(Path.DirectorySeparatorChar) ? full : null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]*$")]
    private static partial Regex Pattern();
}
