using Diffuse.Runtime;

namespace Diffuse.Tests.Runtime;

public sealed class GlibcMallocSettingsTests
{
    [Theory]
    [InlineData("PATH=/usr/bin", false)]
    [InlineData("GLIBC_TUNABLES=glibc.rtld.nns=2", false)]                    // a tunable, but not malloc's
    [InlineData("GLIBC_TUNABLES=glibc.malloc.trim_threshold=0", true)]
    [InlineData("MALLOC_ARENA_MAX=2", true)]
    [InlineData("DIFFUSE_MALLOC=default", true)]
    public void The_cli_leaves_malloc_alone_when_the_user_configured_it(string variable, bool userChose)
    {
        var (name, value) = (variable[..variable.IndexOf('=')], variable[(variable.IndexOf('=') + 1)..]);
        Assert.Equal(userChose, GlibcMallocSettings.UserChose(new Dictionary<string, string> { [name] = value }));
    }
}
