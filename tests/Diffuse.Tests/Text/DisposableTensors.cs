using static TorchSharp.torch;

namespace Diffuse.Tests.Text;

/// <summary>A loaded state dict or fixture file whose tensors are disposed with it.</summary>
internal sealed class DisposableTensors(Dictionary<string, Tensor> tensors) : IDisposable
{
    public Dictionary<string, Tensor> Tensors { get; } = tensors;

    public Tensor this[string key] => Tensors[key];

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
