using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// A safetensors file mapped into memory (<see cref="SafetensorsMapping"/>) and its tensors as views of it. Once a
/// tensor's values have been copied where they belong, <see cref="Release"/> gives its pages back (on Linux,
/// <c>madvise(MADV_DONTNEED)</c> on the whole pages it covers): they leave the process's resident memory and would be
/// read from the file again if the view were used. Loading a model from a renamed checkpoint tensor by tensor so
/// holds about one copy of the weights, not the model plus the file.
/// </summary>
public sealed class MappedSafetensors : IDisposable
{
    private const int MadviseDontNeed = 4;
    private readonly List<Tensor> _mappings;
    private readonly List<(long Start, long End)> _ranges;
    private bool _disposed;

    internal MappedSafetensors(Dictionary<string, Tensor> tensors, List<Tensor> mappings)
    {
        Tensors = tensors;
        _mappings = mappings;
        _ranges = mappings.Select(m => (Address(m), Address(m) + m.NumberOfElements * m.ElementSize)).ToList();
    }

    /// <summary>The file's tensors by name.</summary>
    public Dictionary<string, Tensor> Tensors { get; }

    /// <summary>
    /// Drops the resident pages wholly inside <paramref name="tensor"/>'s memory when it is a contiguous view of this
    /// mapping; does nothing for any other tensor, on other systems, or after disposal.
    /// </summary>
    public void Release(Tensor tensor)
    {
        if (_disposed || !OperatingSystem.IsLinux() || !tensor.is_contiguous()) return;
        long start = Address(tensor), end = start + tensor.NumberOfElements * tensor.ElementSize;
        if (!_ranges.Any(r => start >= r.Start && end <= r.End)) return;
        long page = Environment.SystemPageSize;
        long first = (start + page - 1) / page * page, last = end / page * page;
        if (last > first) _ = Madvise((nint)first, (nuint)(last - first), MadviseDontNeed);
    }

    /// <summary>The address of a tensor's first element (libtorch's <c>data_ptr</c>, which TorchSharp does not expose).</summary>
    private static long Address(Tensor tensor) => (long)TensorData(tensor.Handle);

    [DllImport("LibTorchSharp", EntryPoint = "THSTensor_data")]
    private static extern nint TensorData(nint tensor);

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint address, nuint length, int advice);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in Tensors.Values.Concat(_mappings)) t.Dispose();
    }
}
