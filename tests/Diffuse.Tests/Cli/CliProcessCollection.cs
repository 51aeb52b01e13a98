namespace Diffuse.Tests.Cli;

/// <summary>
/// CLI tests that only start `diffuse` processes run one after another, so two real runs do not share the cores of a
/// shared 2-core machine. CLI test classes that also build random models or run `diffuse` in-process belong to
/// <see cref="GlobalRngCollection"/>, which runs its tests one after another too.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CliProcessCollection
{
    public const string Name = "diffuse processes";
}
