using System.Text.RegularExpressions;

namespace Diffuse.Tests.Packaging;

/// <summary>
/// The repository's README and the blocks marked in it for tests: a fenced code block between
/// <c>&lt;!-- snippet:NAME --&gt;</c> and <c>&lt;!-- /snippet --&gt;</c>, so a test runs what a reader copies.
/// </summary>
public static class Readme
{
    /// <summary>The folder holding Diffuse.slnx, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Path => System.IO.Path.Combine(RepositoryRoot, "README.md");

    /// <summary>The code of the fenced block between the named markers, as printed.</summary>
    public static string Snippet(string name)
    {
        var text = File.ReadAllText(Path).ReplaceLineEndings("\n");
        var marked = Regex.Match(text, $@"<!-- snippet:{Regex.Escape(name)} -->\n(.*?)<!-- /snippet -->", RegexOptions.Singleline);
        Assert.True(marked.Success, $"{Path}: no <!-- snippet:{name} --> ... <!-- /snippet --> block");
        var fenced = Regex.Match(marked.Groups[1].Value, @"^```[a-z]*\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline);
        Assert.True(fenced.Success, $"{Path}: the snippet:{name} block holds no fenced code block");
        return fenced.Groups[1].Value;
    }

    /// <summary>The packages of the <c>dotnet add package ID [--version V]</c> lines of a snippet; version null where none is given.</summary>
    public static IReadOnlyList<(string Id, string? Version)> AddedPackages(string snippetName)
    {
        var packages = new List<(string, string?)>();
        foreach (var line in Snippet(snippetName).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var add = Regex.Match(line, @"^dotnet add package (\S+)(?: --version (\S+))?$");
            Assert.True(add.Success, $"{Path}: snippet:{snippetName} line '{line}' is not 'dotnet add package ID [--version V]'");
            packages.Add((add.Groups[1].Value, add.Groups[2].Success ? add.Groups[2].Value : null));
        }
        return packages;
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Diffuse.slnx")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"Diffuse.slnx not found in any folder above {AppContext.BaseDirectory}");
    }
}
