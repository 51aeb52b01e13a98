using static TorchSharp.torch;

namespace Diffuse.Tests;

public sealed class TorchSharpLoadsTests
{
    [Fact]
    public void Libtorch_loads_and_adds()
    {
        using var x = tensor(new float[] { 1, 2, 3 });
        Assert.Equal(6f, x.sum().item<float>(), 5);
    }
}
