using Diffuse.Data;
using Diffuse.Training;

namespace Diffuse.Server;

/// <summary>
/// The body of <c>POST /api/runs</c>: a new run folder's name and the settings <c>diffuse train</c> takes, in
/// <see cref="TrainConfig"/>'s names; anything left out keeps the recipe's default. The data is one of the built-in
/// sets (the embedded Fashion-MNIST part, the 2-D toys): the page reads no other path on the server.
/// </summary>
public sealed record TrainRequest
{
    public string? Name { get; init; }
    public string? Data { get; init; }
    public string? Preset { get; init; }
    public int? Steps { get; init; }
    public int? Batch { get; init; }
    public double? Lr { get; init; }
    public bool? Conditional { get; init; }
    public long? Seed { get; init; }
    public int? SampleEvery { get; init; }
    public int? SampleSteps { get; init; }
    public int? SampleCount { get; init; }
    public int? CheckpointEvery { get; init; }
    /// <summary>Continue the run's newest checkpoint (to <see cref="Steps"/> if given) instead of starting one.</summary>
    public bool Resume { get; init; }

    public static readonly IReadOnlyList<string> BuiltInData = ["fashion-mnist", .. Toy2D.Names];

    public TrainConfig ToConfig()
    {
        var data = Data ?? "fashion-mnist";
        if (!BuiltInData.Contains(data))
            throw ApiError.BadRequest($"data must be a built-in set ({string.Join(", ", BuiltInData)}); train on other data with diffuse train", "data");
        var d = TrainConfig.ForData(data);
        var config = d with
        {
            Model = Preset ?? d.Model,
            Steps = Steps ?? d.Steps,
            Batch = Batch ?? d.Batch,
            LearningRate = Lr ?? d.LearningRate,
            Conditional = Conditional ?? d.Conditional,
            Seed = Seed ?? d.Seed,
            SampleEvery = SampleEvery ?? d.SampleEvery,
            SampleSteps = SampleSteps ?? d.SampleSteps,
            SampleCount = SampleCount ?? d.SampleCount,
            CheckpointEvery = CheckpointEvery ?? d.CheckpointEvery,
        };
        if (!ModelPresets.Names.Contains(config.Model))
            throw ApiError.BadRequest($"preset must be one of {string.Join(", ", ModelPresets.Names)} (got '{config.Model}')", "preset");
        try { config.Validate(); }
        catch (DiffuseArgumentException e) { throw ApiError.BadRequest($"{e.ParameterName} {e.Problem}", e.ParameterName); }
        return config;
    }
}
