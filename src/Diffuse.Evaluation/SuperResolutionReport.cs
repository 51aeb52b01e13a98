using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Formats;

namespace Diffuse.Evaluation;

/// <summary>
/// What <c>diffuse upscale --data</c> measured: mean PSNR of the model and of bicubic upsampling over the
/// same held-out images (dB on the [0, 1] scale, equal to [0, 255] with peak 255), their paired difference
/// with its standard error, and the per-image figures.
/// </summary>
public sealed record SuperResolutionReport
{
    [JsonPropertyName("model")] public string Model { get; init; } = "";
    [JsonPropertyName("data")] public string Data { get; init; } = "";
    [JsonPropertyName("scale")] public int Scale { get; init; }
    [JsonPropertyName("count")] public int Count { get; init; }
    [JsonPropertyName("sampler")] public string Sampler { get; init; } = "";
    [JsonPropertyName("steps")] public int Steps { get; init; }
    [JsonPropertyName("seed")] public long Seed { get; init; }
    [JsonPropertyName("samples_averaged")] public int Average { get; init; }
    [JsonPropertyName("psnr_model_db")] public double ModelPsnr { get; init; }
    [JsonPropertyName("psnr_bicubic_db")] public double BicubicPsnr { get; init; }
    /// <summary>Mean over images of (model − bicubic), and the standard error of that mean.</summary>
    [JsonPropertyName("psnr_gain_db")] public double Gain { get; init; }
    [JsonPropertyName("psnr_gain_standard_error_db")] public double GainStandardError { get; init; }
    [JsonPropertyName("model_better_fraction")] public double ModelBetterFraction { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
    [JsonPropertyName("per_image_model_db")] public double[] PerImageModel { get; init; } = [];
    [JsonPropertyName("per_image_bicubic_db")] public double[] PerImageBicubic { get; init; } = [];

    public static SuperResolutionReport From(double[] model, double[] bicubic)
    {
        var gains = model.Zip(bicubic, (m, b) => m - b).ToArray();
        double mean = gains.Average();
        double variance = gains.Length > 1 ? gains.Sum(g => (g - mean) * (g - mean)) / (gains.Length - 1) : 0;
        return new SuperResolutionReport
        {
            Count = model.Length,
            ModelPsnr = model.Average(),
            BicubicPsnr = bicubic.Average(),
            Gain = mean,
            GainStandardError = Math.Sqrt(variance / gains.Length),
            ModelBetterFraction = gains.Count(g => g > 0) / (double)gains.Length,
            PerImageModel = model,
            PerImageBicubic = bicubic,
        };
    }

    public void Save(string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
