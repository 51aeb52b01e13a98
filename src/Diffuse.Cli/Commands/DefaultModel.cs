using Diffuse.Training;

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

    public const string TrainedSuperResolution = "runs/superres/model";

    public const string SuperResolutionHelp = "Default: runs/superres/model if it exists (what diffuse train --task superres writes), else the Fashion-MNIST ×2 model shipped with diffuse.";

    public static string ShippedSuperResolution => Path.Combine(AppContext.BaseDirectory, "models", "fashion-mnist-superres-x2");

    /// <param name="name">how the user gave the folder, for the error when it is a preset's name.</param>
    public static string Resolve(string? option, string name = "--model") => Resolve(option, name, Trained, Shipped, "run diffuse train");

    /// <summary>The same choice for diffuse upscale: the trained super-resolution run, else the shipped ×2 model.</summary>
    public static string ResolveSuperResolution(string? option) =>
        Resolve(option, "--model", TrainedSuperResolution, ShippedSuperResolution, "run diffuse train --task superres");

    static string Resolve(string? option, string name, string trained, string shipped, string howToTrain)
    {
        if (option is not null)
        {
            // `--model tiny` reads naturally, but presets only size a new model; a folder of that name still wins.
            if (ModelPresets.Names.Contains(option) && !Directory.Exists(option))
                throw new DiffuseException($"{name} '{option}' is a model preset, not a folder: presets size a new model (diffuse train --preset {option}); {name} takes a model folder, such as a training run's folder or its model/");
            return option;
        }
        if (Directory.Exists(trained)) return trained;
        if (!Directory.Exists(shipped))
            throw new DiffuseException($"no --model given, no {trained} ({howToTrain}) and no shipped model at {shipped}");
        return shipped;
    }
}
