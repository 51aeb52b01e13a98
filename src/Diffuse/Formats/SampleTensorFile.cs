using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// A batch of samples as one safetensors tensor named <c>sample</c>, the name diffusers' outputs and the
/// interop fixtures use. It carries starting noise in (so a run here and a run in diffusers begin from the
/// same numbers) and final samples out (float32, before any conversion to 8-bit pixels).
/// </summary>
public static class SampleTensorFile
{
    public const string TensorName = "sample";

    /// <summary>
    /// Reads tensor <c>sample</c> as float32 with shape [N, ..<paramref name="itemShape"/>] for any N ≥ 1;
    /// a missing tensor, another shape or a non-finite value is a one-line error naming the file.
    /// </summary>
    public static Tensor Read(string path, long[] itemShape)
    {
        var tensors = SafetensorsFile.Read(path);
        try
        {
            if (!tensors.TryGetValue(TensorName, out var sample))
                throw new DiffuseException($"{path}: no tensor '{TensorName}' (the file holds: {(tensors.Count == 0 ? "nothing" : string.Join(", ", tensors.Keys.Order()))})");
            var needed = $"[N, {string.Join(", ", itemShape)}]";
            if (sample.dim() != itemShape.Length + 1 || !sample.shape.Skip(1).SequenceEqual(itemShape))
                throw new DiffuseException($"{path}: tensor '{TensorName}' has shape [{string.Join(", ", sample.shape)}] but the model needs {needed}");
            if (sample.shape[0] == 0) throw new DiffuseException($"{path}: tensor '{TensorName}' holds no samples (shape [{string.Join(", ", sample.shape)}])");
            if (!sample.is_floating_point()) throw new DiffuseException($"{path}: tensor '{TensorName}' has type {sample.dtype}; noise must be floating point");
            var result = sample.to(float32);
            if (!result.isfinite().all().item<bool>())
            {
                result.Dispose();
                throw new DiffuseException($"{path}: tensor '{TensorName}' contains NaN or infinite values");
            }
            // to() returns the same tensor when it already is float32; keep it out of the disposal below.
            tensors.Remove(TensorName);
            if (!ReferenceEquals(result, sample)) sample.Dispose();
            return result;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Writes <paramref name="samples"/> as float32 tensor <c>sample</c>, atomically, with the given metadata.</summary>
    public static void Write(string path, Tensor samples, IReadOnlyDictionary<string, string> metadata)
    {
        var asFloat = samples.to(float32);
        try { SafetensorsFile.Write(path, new Dictionary<string, Tensor> { [TensorName] = asFloat }, metadata); }
        finally
        {
            if (!ReferenceEquals(asFloat, samples)) asFloat.Dispose();
        }
    }
}
