
namespace Diffuse.Cli.Commands;

/// <summary>
/// The model folder a command uses when --model is not given: the one `diffuse train` writes, if it is there,
/// else the Fashion-MNIST model shipped with diffuse (models/fashion-mnist, copied beside the program), so that
/// sampling works with no training at all.
/// </summary>
internal static class DefaultModel
{
    public const string Trained = "runs/fashion-mnist/model";

    public const string Help = "Default: runs/fashion-mnist/model if it exists (what diffuse train writes), else the Fashion-MNIST model shipped with diffuse.";

    public static string Shipped => Path.Combine(AppContext.BaseDirectory, "models", "fashion-mnist");

    public static string Resolve(string? option)
    {
        if (option is not null) return option;
        if (Directory.Exists(Trained)) return Trained;
        if (!Directory.Exists(Shipped))
            throw new DiffuseException($"no --model given, no {Trained} (run diffuse train) and no shipped model at {Shipped}");
        return Shipped;
    }
}
