using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Diffuse.Tests;

/// <summary>The shared interop fixtures in <c>&lt;repo&gt;/../shared/interop</c>, found by walking up from the test binaries.</summary>
public static class Fixtures
{
    /// <summary>Looked up on each use so a missing folder fails the test that needs it with a readable message.</summary>
    public static string InteropFolder => FindInterop();

    public static string TinyGray => Path.Combine(InteropFolder, "tiny-gray");

    public static string Expected(string file) => Path.Combine(TinyGray, "expected", file);

    /// <summary>All tensors of a safetensors file by name; dispose each.</summary>
    public static Dictionary<string, Tensor> Load(string path) => Safetensors.LoadStateDict(path);

    static string FindInterop()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "interop");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException(
            $"shared/interop not found in any folder above {AppContext.BaseDirectory}; expected it beside the repository (<repo>/../shared/interop)");
    }
}
