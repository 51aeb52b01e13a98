using System.Runtime.InteropServices;

namespace Diffuse.Runtime;

/// <summary>
/// libtorch takes every tensor's memory from the C library's malloc. glibc serves large blocks with
/// mmap and hands freed memory back to the kernel (munmap, heap trimming), so the next step's
/// activations of the same size come back as fresh pages that fault in and are zeroed one by one:
/// measured in docs/benchmarks.md, 13,000–20,000 page faults per forward pass of a 650 k-parameter
/// UNet at batch 64 and about 100,000 (400 MB, half a second of system time) per training step of a
/// 6 M one. The CLI therefore asks glibc to keep what it frees for reuse: no mmap for large blocks and
/// no trimming (what jemalloc or tcmalloc, the allocators PyTorch's CPU tuning guides suggest, also do
/// by keeping freed pages); a program using the library can call it the same way, first thing. The cost is that the process keeps its peak heap until it exits. A user who
/// set glibc.malloc tunables or MALLOC_* variables, or DIFFUSE_MALLOC=default, keeps glibc's own
/// behaviour.
/// </summary>
public static class GlibcMallocSettings
{
    public const string OptOutVariable = "DIFFUSE_MALLOC";

    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_MAX = -4;

    /// <summary>True when the settings were applied.</summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || UserChose(EnvironmentVariables())) return false;
        try
        {
            // mallopt returns 1 on success; int.MaxValue bytes is the largest trim threshold it takes.
            return mallopt(M_MMAP_MAX, 0) == 1 & mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;                                    // not glibc (musl has no mallopt)
        }
    }

    /// <summary>True when the environment already says how glibc's malloc should behave, or opts out.</summary>
    public static bool UserChose(IReadOnlyDictionary<string, string> environment) =>
        environment.ContainsKey(OptOutVariable)
        || environment.TryGetValue("GLIBC_TUNABLES", out var tunables) && tunables.Contains("glibc.malloc.", StringComparison.Ordinal)
        || environment.Keys.Any(name => name.StartsWith("MALLOC_", StringComparison.Ordinal));

    private static Dictionary<string, string> EnvironmentVariables() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => entry.Value as string ?? "");

    [DllImport("libc")]
    private static extern int mallopt(int parameter, int value);
}
