using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>The float types a model can be run in for sampling, by the names the CLI accepts.</summary>
public static class InferenceDTypes
{
    public static IReadOnlyList<string> Names { get; } = ["float32", "bfloat16", "float16"];

    public static ScalarType Parse(string name) => name.ToLowerInvariant() switch
    {
        "float32" or "fp32" or "f32" => ScalarType.Float32,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        "float16" or "fp16" or "f16" or "half" => ScalarType.Float16,
        _ => throw new DiffuseException($"unknown dtype '{name}' (expected {string.Join(", ", Names)})"),
    };

    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        _ => dtype.ToString(),
    };
}
