using System.Text.Json.Serialization;

namespace Diffuse.Training;

/// <summary>One line of <c>loss.jsonl</c>: the loss of one optimiser step and what was in force.</summary>
public sealed record LossRecord(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("lr")] double LearningRate,
    [property: JsonPropertyName("seconds")] double Seconds);
