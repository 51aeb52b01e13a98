using Diffuse.Data;
using Diffuse.Training;

namespace Diffuse.Benchmarks;

/// <summary>
/// Training recipes timed side by side with the real trainer on the embedded Fashion-MNIST part (1×28×28, the first
/// command's data): the default UNet and the DiT preset of about the same parameter count, each with the ε objective
/// (cosine schedule, min-SNR-5) and with rectified flow (logit-normal σ's, velocity target). Named on request.
/// </summary>
public static class RecipeCases
{
    public const string UNetEpsilon = "unet-eps";
    public const string UNetFlow = "unet-flow";
    public const string DiTEpsilon = "dit-eps";
    public const string DiTFlow = "dit-flow";

    public static IReadOnlyList<string> Names { get; } = [UNetEpsilon, UNetFlow, DiTEpsilon, DiTFlow];

    public static bool Contains(string name) => Names.Contains(name);

    /// <summary>The training config of a recipe: the first command's defaults with the preset and objective swapped in.</summary>
    public static TrainConfig Config(string name, int batch) => name switch
    {
        UNetEpsilon => Base(ModelPresets.Default, batch),
        UNetFlow => Base(ModelPresets.Default, batch) with { Objective = TrainConfig.FlowObjective, SnrGamma = null },
        DiTEpsilon => Base(ModelPresets.DiT, batch),
        DiTFlow => Base(ModelPresets.DiT, batch) with { Objective = TrainConfig.FlowObjective, SnrGamma = null },
        _ => throw new DiffuseException($"unknown recipe case '{name}' (expected {string.Join(", ", Names)})"),
    };

    static TrainConfig Base(string preset, int batch) => new() { Data = DatasetLoader.FashionMnist, Model = preset, Batch = batch, Steps = 1_000_000 };

    /// <summary>One trainer step of the recipe, ready to time.</summary>
    public static (BenchWork Work, long Parameters) TrainStep(string name, int batch, string dtype = "float32")
    {
        var config = Config(name, batch) with { DType = dtype };
        var plan = TrainingSetup.Prepare(config);
        var trainer = new Trainer(config, plan);
        long parameters = trainer.Model.parameters().Sum(p => p.numel());
        return (new BenchWork(name, dtype == "float32" ? BenchWork.TrainPart : BenchWork.Narrow(BenchWork.TrainPart, dtype), () => trainer.TrainStep(), trainer, (plan.Data as ImageTrainingData)?.Images), parameters);
    }
}
