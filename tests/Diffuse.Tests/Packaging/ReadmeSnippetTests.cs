using System.Security;
using Diffuse.Data;
using Diffuse.Tests.Cli;

namespace Diffuse.Tests.Packaging;

/// <summary>
/// The README's quick start, as a .NET developer meets it: the packages its <c>dotnet add package</c> lines
/// name, with Diffuse packed from this tree, and its C# snippet as Program.cs of a new console app.
/// In the CLI collection: the builds would otherwise slow the CLI tests that time their processes.
/// </summary>
[Collection(CliProcessCollection.Name)]
[Trait("Category", "Packaging")]
public sealed class ReadmeSnippetTests
{
    static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    /// <summary>What the snippet writes: ten 28×28 images in one row at scale 2 with ImageGrid's 2-pixel padding.</summary>
    const string OutputFile = "runs/quickstart.png";
    // Forty images, one class a row: 4 columns and 10 rows of 28-pixel images at scale 2 with 2-pixel padding.
    const int ExpectedWidth = 4 * (28 * 2 + 2) + 2, ExpectedHeight = 10 * (28 * 2 + 2) + 2;

    [Fact]
    public void Readme_quickstart_builds_and_runs_against_the_packed_package()
    {
        var root = Readme.RepositoryRoot;
        var packages = Readme.AddedPackages("packages");
        var program = Readme.Snippet("quickstart");
        Assert.Contains(OutputFile, program);
        using var temp = new TempFolder();
        var feed = Directory.CreateDirectory(temp.File("feed")).FullName;
        var app = Directory.CreateDirectory(temp.File("app")).FullName;
        var log = new List<DotnetProcess.Result>();
        var none = new Dictionary<string, string?>();

        DotnetProcess.Result Dotnet(string folder, IReadOnlyDictionary<string, string?> environment, params string[] args)
        {
            var result = DotnetProcess.Run(folder, environment, StepTimeout, args);
            log.Add(result);
            Assert.True(result.ExitCode == 0, $"README quick start: `dotnet {args[0]}` failed. Every step so far:\n{string.Join("\n", log)}");
            return result;
        }

        // A version no package cache can hold yet, so the restore below takes this build's package. The test's
        // own build restored the library, and a restore with another version would rewrite its obj/ files.
        var version = $"0.1.0-readme.t{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        Dotnet(root, none, "pack", "src/Diffuse", "-c", "Release", "--no-restore", "-o", feed, $"-p:PackageVersion={version}");

        // The machine's package cache, read-only, as a fallback folder: libtorch (~0.5 GB) is used where it lies, and
        // the new Diffuse package goes to a cache of the test's own (NUGET_PACKAGES, which wins over any config).
        var machineCache = Dotnet(root, none, "nuget", "locals", "global-packages", "--list").Output
            .Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("global-packages:", StringComparison.Ordinal))["global-packages:".Length..].Trim();
        Assert.Contains(packages, p => p.Id == "Diffuse");
        var references = packages.Select(p => (p.Id, p.Id == "Diffuse" ? version
            : p.Version ?? throw new InvalidOperationException($"README: give {p.Id} a --version, as `dotnet add package` would otherwise take the newest")));
        WriteConsoleApp(app, feed, machineCache, references, program);
        var ownCache = temp.File("packages");
        var ownCacheOnly = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = ownCache };
        Dotnet(app, ownCacheOnly, "build", "-c", "Release");
        Assert.True(Directory.Exists(Path.Combine(ownCache, "diffuse", version)), $"Diffuse {version} was not restored from the feed\n" + string.Join("\n", log));
        // The package's build targets (the libstdc++ fix) joined the build; on Debian 12 the run below needs them.
        var imports = File.ReadAllText(Path.Combine(app, "obj", "QuickStart.csproj.nuget.g.targets"));
        Assert.Contains($"diffuse/{version}/buildTransitive/Diffuse.targets", imports);

        var output = Path.Combine(root, OutputFile);
        var outputFolder = Path.GetDirectoryName(output)!;
        bool folderExisted = Directory.Exists(outputFolder);   // not in a fresh clone
        if (File.Exists(output)) File.Delete(output);
        try
        {
            Dotnet(root, none, Path.Combine(app, "bin", "Release", "net10.0", "QuickStart.dll"));
            Assert.True(File.Exists(output), $"{output} was not written\n" + string.Join("\n", log));
            using var image = ImageDecoder.Decode(output, 3);
            Assert.Equal([1, 3, ExpectedHeight, ExpectedWidth], image.shape);
        }
        finally
        {
            if (File.Exists(output)) File.Delete(output);
            if (!folderExisted && Directory.Exists(outputFolder) && !Directory.EnumerateFileSystemEntries(outputFolder).Any())
                Directory.Delete(outputFolder);
        }
    }

    /// <summary>A console app as `dotnet new console` + `dotnet add package` would leave it, with a nuget.config
    /// that adds the feed to the machine's sources and takes packages the machine already has from its cache.</summary>
    static void WriteConsoleApp(string app, string feed, string machineCache, IEnumerable<(string Id, string Version)> references, string program)
    {
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="diffuse-test-feed" value="{SecurityElement.Escape(feed)}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{SecurityElement.Escape(machineCache)}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        // Nothing from folders above the temp folder (a stray Directory.Build.props in /tmp) joins the build.
        File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(app, "Directory.Build.targets"), "<Project />");
        var items = string.Join("\n", references.Select(r => $"""    <PackageReference Include="{r.Id}" Version="{r.Version}" />"""));
        File.WriteAllText(Path.Combine(app, "QuickStart.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
            {items}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), program);
    }
}
