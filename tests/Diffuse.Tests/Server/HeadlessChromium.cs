using System.Diagnostics;
using OpenQA.Selenium.Chrome;

namespace Diffuse.Tests.Server;

/// <summary>
/// Debian's chromium and chromium-driver, driven by Selenium, headless. On a machine without them (a fresh CI machine)
/// the first use installs them with apt-get (CI runs as root); when that cannot be done the test fails saying so,
/// it is never skipped. Each driver gets a fresh profile and the switches that keep chromium off the network.
/// </summary>
public static class HeadlessChromium
{
    public const string Browser = "/usr/bin/chromium";
    public const string Driver = "/usr/bin/chromedriver";
    static readonly object Gate = new();

    public static ChromeDriver Start(string profile)
    {
        EnsureInstalled();
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                             "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,900",
                             "--force-device-scale-factor=1", $"--user-data-dir={profile}");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (File.Exists(Browser) && File.Exists(Driver)) return;
            var log = Run("apt-get", "install -y chromium chromium-driver");
            if (!File.Exists(Driver)) log += Run("apt-get", "update") + Run("apt-get", "install -y chromium chromium-driver");
            if (!File.Exists(Browser) || !File.Exists(Driver))
                throw new InvalidOperationException(
                    $"the studio's browser test needs {Browser} and {Driver} (Debian packages chromium and chromium-driver), and installing them failed; run 'apt-get install -y chromium chromium-driver' as root. apt-get said: {log.ReplaceLineEndings(" ")[^Math.Min(600, log.Length)..]}");
        }
    }

    static string Run(string program, string arguments)
    {
        try
        {
            var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return output.Result + error;
        }
        catch (System.ComponentModel.Win32Exception e) { return $"{program}: {e.Message}"; }
    }
}
