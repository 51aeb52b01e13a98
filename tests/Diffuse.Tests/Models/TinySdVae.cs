using Diffuse.Folders;
using Diffuse.Models;

namespace Diffuse.Tests.Models;

/// <summary>The VAE of the shared tiny-sd fixture (<c>shared/interop/tiny-sd/vae</c>) and what diffusers computed with it.</summary>
public static class TinySdVae
{
    public static string Case => Path.Combine(Fixtures.InteropFolder, "tiny-sd");

    public static string Folder => Path.Combine(Case, "vae");

    public static string ConfigPath => Path.Combine(Folder, ModelFolder.ConfigFile);

    public static string WeightsPath => Path.Combine(Folder, ModelFolder.SafetensorsFile);

    public static string Expected(string file) => Path.Combine(Case, "expected", file);

    /// <summary>The fixture's VAE (or the one in <paramref name="folder"/>) through <see cref="ModelFolder.Load"/>.</summary>
    public static AutoencoderKL Load(string? folder = null) => (AutoencoderKL)ModelFolder.Load(folder ?? Folder);
}
