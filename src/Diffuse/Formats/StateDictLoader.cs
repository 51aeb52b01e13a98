using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// Copies loaded weights into a module only after every key and shape has been checked, so a file
/// that does not fit the model is rejected whole with the first mismatch named and the module is
/// never left half-loaded. Dtypes are converted by the copy (an F16 or BF16 file fills a float32 model).
/// </summary>
public static class StateDictLoader
{
    /// <param name="copied">Called with each loaded tensor once its values are in the module (to release mapped pages).</param>
    public static void LoadInto(nn.Module module, IReadOnlyDictionary<string, Tensor> loaded, string source, Action<Tensor>? copied = null)
    {
        var expected = module.state_dict();
        Check(expected, loaded.ToDictionary(kv => kv.Key, kv => (kv.Value.shape, kv.Value.dtype)), source);
        using var noGrad = no_grad();
        foreach (var (key, target) in expected)
        {
            target.copy_(loaded[key]);
            copied?.Invoke(loaded[key]);
        }
    }

    /// <summary>
    /// Checks that <paramref name="loaded"/> (name → shape and dtype of each stored weight) holds exactly the weights of
    /// <paramref name="expected"/> (a module's state dict) with their shapes, naming <paramref name="source"/> and the
    /// first mismatch.
    /// </summary>
    public static void Check(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, (long[] Shape, ScalarType DType)> loaded, string source)
    {
        foreach (var (key, target) in expected)
        {
            if (!loaded.TryGetValue(key, out var stored))
                throw new DiffuseException($"{source}: missing weight '{key}'");
            if (!stored.Shape.SequenceEqual(target.shape))
                throw new DiffuseException($"{source}: weight '{key}' has shape [{string.Join(", ", stored.Shape)}] but the config needs [{string.Join(", ", target.shape)}]");
            if (!is_floating_point(stored.DType) && target.is_floating_point())
                throw new DiffuseException($"{source}: weight '{key}' has integer type {stored.DType} where the model needs floating point");
        }
        foreach (var key in loaded.Keys)
            if (!expected.ContainsKey(key)) throw new DiffuseException($"{source}: unexpected weight '{key}' (the config builds no such layer)");
    }
}
