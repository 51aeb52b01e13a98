using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Formats;

namespace Diffuse.Evaluation;

/// <summary>What <c>diffuse nll</c> measured, written as nll.json: the variational bound in bits/dim, its terms and
/// their standard errors over images.</summary>
public sealed record LikelihoodReport
{
    [JsonPropertyName("model")] public string Model { get; init; } = "";
    [JsonPropertyName("data")] public string Data { get; init; } = "";
    [JsonPropertyName("count")] public int Count { get; init; }
    [JsonPropertyName("seed")] public long Seed { get; init; }
    /// <summary><c>discretized_8bit</c> (a probability: bits/dim ≥ 0) or <c>continuous_gaussian</c> (a density).</summary>
    [JsonPropertyName("decoder")] public string Decoder { get; init; } = "";
    /// <summary>What the class-conditional model was given: <c>null_class</c>, <c>data_labels</c>; null for an unconditional model.</summary>
    [JsonPropertyName("class_labels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ClassLabels { get; init; }
    [JsonPropertyName("num_train_timesteps")] public int NumTrainTimesteps { get; init; }
    [JsonPropertyName("variance_type")] public string VarianceType { get; init; } = "";
    /// <summary>Null when every timestep was evaluated; K when the transition sum is a stratified estimate from K timesteps.</summary>
    [JsonPropertyName("sampled_timesteps")] public int? SampledTimesteps { get; init; }
    [JsonPropertyName("network_evaluations_per_image")] public int EvaluationsPerImage { get; init; }
    [JsonPropertyName("bits_per_dim")] public double BitsPerDim { get; init; }
    [JsonPropertyName("bits_per_dim_standard_error")] public double BitsPerDimStandardError { get; init; }
    [JsonPropertyName("prior_bits_per_dim")] public double Prior { get; init; }
    [JsonPropertyName("prior_standard_error")] public double PriorStandardError { get; init; }
    [JsonPropertyName("transitions_bits_per_dim")] public double Transitions { get; init; }
    [JsonPropertyName("transitions_standard_error")] public double TransitionsStandardError { get; init; }
    [JsonPropertyName("decoder_bits_per_dim")] public double DecoderTerm { get; init; }
    [JsonPropertyName("decoder_standard_error")] public double DecoderStandardError { get; init; }
    /// <summary>Mean over images of each term by 0-based timestep (entry 0 the decoder); only when every timestep was evaluated.</summary>
    [JsonPropertyName("terms_by_timestep"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double[]? ByTimestep { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }

    public void Save(string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
