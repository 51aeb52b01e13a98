namespace Diffuse.Runtime;

/// <summary>
/// What the CPU can do that changes which float type is fastest. bfloat16 pays only where the CPU multiplies
/// bfloat16 natively (x86's AVX512_BF16 or AMX_BF16, which oneDNN uses); elsewhere libtorch widens it to float32 and
/// it is slower than float32. Read from /proc/cpuinfo's flags (Linux); false where that is not available.
/// </summary>
public static class CpuFeatures
{
    private static readonly Lazy<bool> NativeBFloat16 = new(() => File.Exists("/proc/cpuinfo") && HasBFloat16Flag(File.ReadAllText("/proc/cpuinfo")));

    /// <summary>True when this machine's CPU multiplies bfloat16 natively.</summary>
    public static bool HasNativeBFloat16 => NativeBFloat16.Value;

    /// <summary>True when a /proc/cpuinfo text lists avx512_bf16 or amx_bf16 among the first processor's flags.</summary>
    public static bool HasBFloat16Flag(string cpuinfo)
    {
        var flags = Flags(cpuinfo);
        return flags.Contains("avx512_bf16") || flags.Contains("amx_bf16");
    }

    /// <summary>The first processor's flags in a /proc/cpuinfo text (empty when it has none).</summary>
    public static IReadOnlySet<string> Flags(string cpuinfo) =>
        (Field(cpuinfo, "flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();

    /// <summary>The first value of <paramref name="key"/> ("model name", "cpu MHz", "flags") in a /proc/cpuinfo text, trimmed.</summary>
    public static string? Field(string cpuinfo, string key) => cpuinfo.Split('\n')
        .Select(line => line.Split(':', 2))
        .Where(parts => parts.Length == 2 && parts[0].Trim() == key)
        .Select(parts => parts[1].Trim())
        .FirstOrDefault();
}
