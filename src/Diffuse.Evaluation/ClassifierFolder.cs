using Diffuse.Formats;

namespace Diffuse.Evaluation;

/// <summary>
/// A <see cref="FashionClassifier"/> on disk: <c>config.json</c> and <c>model.safetensors</c>, written as
/// one folder swap so a reader never finds weights that belong to another config; the trainer's
/// <c>metrics.json</c> sits beside them.
/// </summary>
public static class ClassifierFolder
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string MetricsFile = "metrics.json";

    /// <param name="metricsJson">written as metrics.json when given.</param>
    public static void Save(string folder, FashionClassifier classifier, string? metricsJson = null) =>
        FolderSwap.Write(folder, temp =>
        {
            classifier.Config.Save(Path.Combine(temp, ConfigFile));
            SafetensorsWeights.Save(classifier, Path.Combine(temp, WeightsFile));
            if (metricsJson is not null) AtomicFile.WriteAllText(Path.Combine(temp, MetricsFile), metricsJson);
        });

    /// <summary>The classifier in eval mode, built from the config and filled only after every weight is checked.</summary>
    public static FashionClassifier Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new DiffuseException($"classifier folder '{folder}' not found");
        var configPath = Path.Combine(folder, ConfigFile);
        if (!File.Exists(configPath)) throw new DiffuseException($"{folder}: not a classifier folder: {ConfigFile} is missing");
        var weightsPath = Path.Combine(folder, WeightsFile);
        if (!File.Exists(weightsPath)) throw new DiffuseException($"{folder}: not a classifier folder: {WeightsFile} is missing");
        var classifier = new FashionClassifier(FashionClassifierConfig.Load(configPath));
        try { SafetensorsWeights.LoadInto(classifier, weightsPath); }
        catch { classifier.Dispose(); throw; }
        classifier.eval();
        return classifier;
    }
}
