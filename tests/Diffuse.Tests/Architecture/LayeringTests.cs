using System.Text.RegularExpressions;

namespace Diffuse.Tests.Architecture;

/// <summary>
/// The library's namespaces form layers (formats → schedules, data → models, schedulers → the diffusers folder layout →
/// pipelines → training), and no namespace may use one above it. Checked on the source, so a new file that reaches up
/// fails here rather than in a review.
/// </summary>
public sealed class LayeringTests
{
    static readonly Dictionary<string, int> Layers = new()
    {
        ["Runtime"] = 0, ["Formats"] = 0,
        ["Data"] = 1, ["Schedules"] = 1, ["Plots"] = 1,
        ["Models"] = 2, ["Schedulers"] = 2, ["Text"] = 2,
        ["Folders"] = 3,
        ["Pipelines"] = 4,
        ["Training"] = 5,
    };

    [Fact]
    public void No_library_namespace_uses_one_above_it()
    {
        var library = Path.Combine(RepositoryRoot(), "src", "Diffuse");
        var violations = new List<string>();
        var reference = new Regex(@"\bDiffuse\.([A-Z][A-Za-z]+)\b");
        foreach (var file in Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(library, file);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal)) continue;
            var folder = relative.Split(Path.DirectorySeparatorChar)[0];
            if (!Layers.TryGetValue(folder, out int layer)) continue;   // files at the root (DiffuseException) sit below everything
            foreach (var line in File.ReadLines(file))
            {
                if (line.TrimStart().StartsWith("namespace", StringComparison.Ordinal) || line.TrimStart().StartsWith("///", StringComparison.Ordinal)) continue;
                foreach (Match m in reference.Matches(line))
                    if (Layers.TryGetValue(m.Groups[1].Value, out int used) && used > layer)
                        violations.Add($"{relative} ({folder}, layer {layer}) uses Diffuse.{m.Groups[1].Value} (layer {used})");
            }
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations.Distinct()));
        Assert.True(Layers.Keys.All(name => Directory.Exists(Path.Combine(library, name))), "every layer names a folder of src/Diffuse");
    }

    [Fact]
    public void Every_library_folder_has_a_layer()
    {
        var library = Path.Combine(RepositoryRoot(), "src", "Diffuse");
        var folders = Directory.EnumerateDirectories(library).Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj" or "Properties") && Directory.EnumerateFiles(Path.Combine(library, name!), "*.cs", SearchOption.AllDirectories).Any());
        Assert.All(folders, name => Assert.True(Layers.ContainsKey(name!), $"src/Diffuse/{name} has no layer in {nameof(LayeringTests)}"));
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Diffuse.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"Diffuse.slnx not found above {AppContext.BaseDirectory}");
    }
}
