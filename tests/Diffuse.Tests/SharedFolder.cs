namespace Diffuse.Tests;

/// <summary>Finds the read-only reference material in ../shared beside the repository root.</summary>
public static class SharedFolder
{
    public static string Interop(string caseName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "interop", caseName);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"interop case '{caseName}' not found in a shared/interop folder above {AppContext.BaseDirectory}");
    }
}
