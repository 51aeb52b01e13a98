namespace Diffuse.Tests.Cli;

/// <summary>
/// CLI tests that start `diffuse` processes run one after another: a sampling run beside a bad-input
/// run slows the latter enough on a shared 2-core machine that its progress bar draws a line before the
/// error, which the one-line assertion would count.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CliProcessCollection
{
    public const string Name = "diffuse processes";
}
