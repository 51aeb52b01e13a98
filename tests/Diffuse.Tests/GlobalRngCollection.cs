namespace Diffuse.Tests;

/// <summary>
/// Tests that seed libtorch's process-wide generator and then build models or train, and the CLI tests that run
/// `diffuse` in this process (building a network to load weights into draws from that generator). xUnit runs test
/// classes in parallel; in one collection they run one after another, so no other test draws from that generator
/// between a seed and its use.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GlobalRngCollection
{
    public const string Name = "global torch RNG";
}
