using TorchSharp;

namespace Diffuse.Runtime;

/// <summary>
/// Where tensors live: <c>cpu</c> or <c>cuda</c> / <c>cuda:N</c>, as PyTorch names devices. CUDA needs a CUDA runtime
/// package in place of the CPU one (see the README) and a GPU; without them this says so in one line.
/// </summary>
public static class Devices
{
    public static torch.Device Parse(string name)
    {
        var text = name.Trim().ToLowerInvariant();
        if (text == "cpu") return torch.CPU;
        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (text.Length > 4 && !int.TryParse(text.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index))
                throw new DiffuseArgumentException("device", $"'{name}' is not a device (expected cpu, cuda or cuda:N)");
            if (!CudaAvailable())
                throw new DiffuseArgumentException("device", $"'{name}' is not available: this TorchSharp runtime sees no CUDA device (install a CUDA runtime package such as libtorch-cuda-12.8-linux-x64 on a machine with an NVIDIA GPU), use cpu");
            int count = torch.cuda.device_count();
            if (index >= count) throw new DiffuseArgumentException("device", $"'{name}' does not exist: {count} CUDA device(s), numbered from 0");
            return new torch.Device(DeviceType.CUDA, index);
        }
        throw new DiffuseArgumentException("device", $"'{name}' is not a device (expected cpu, cuda or cuda:N)");
    }

    static bool CudaAvailable()
    {
        // The CPU runtime has no CUDA library to ask; any failure to ask means no CUDA.
        try { return torch.cuda.is_available(); }
        catch (Exception) { return false; }
    }
}
