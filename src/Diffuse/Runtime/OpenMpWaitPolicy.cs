using System.Runtime.InteropServices;

namespace Diffuse.Runtime;

/// <summary>
/// libtorch parallelises each operation with OpenMP; between operations its worker threads spin
/// (burn CPU waiting for the next one) before sleeping. On a machine whose cores are shared with other
/// busy processes, a spinning or descheduled worker stalls every parallel region: measured in
/// docs/benchmarks.md, passive waiting made the same work several times faster there. So the CLI
/// asks libgomp for passive waiting unless the user chose a policy (OMP_WAIT_POLICY or GOMP_SPINCOUNT
/// set). libgomp reads the variable once, when libtorch is loaded, so this must run before any tensor
/// work (a program using the library can call it too, first thing), and through the C library:
/// .NET's own environment is not seen by native code on Unix.
/// </summary>
public static class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    public static void PreferPassive()
    {
        if (!OperatingSystem.IsLinux()) return;
        if (Environment.GetEnvironmentVariable(Variable) is not null || Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null) return;
        try { _ = setenv(Variable, "PASSIVE", 0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern int setenv(string name, string value, int overwrite);
}
