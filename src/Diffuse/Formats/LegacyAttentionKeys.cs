using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// Renames the attention weights of checkpoints saved before diffusers 0.15, whose <c>AttentionBlock</c>
/// named its projections <c>query</c>, <c>key</c>, <c>value</c> and <c>proj_attn</c>; today's
/// <c>Attention</c> calls them <c>to_q</c>, <c>to_k</c>, <c>to_v</c> and <c>to_out.0</c>. This is the
/// rename diffusers itself applies on load (<c>_convert_deprecated_attention_blocks</c>); the shapes
/// are the same, and <c>group_norm</c> kept its name.
/// </summary>
public static partial class LegacyAttentionKeys
{
    [GeneratedRegex(@"^(?<path>(.+\.)?attentions\.\d+)\.(?<old>query|key|value|proj_attn)\.(?<param>weight|bias)$")]
    private static partial Regex OldName();

    /// <summary>The new name of an old attention key, or the key unchanged.</summary>
    public static string Rename(string key)
    {
        var m = OldName().Match(key);
        if (!m.Success) return key;
        string renamed = m.Groups["old"].Value switch
        {
            "query" => "to_q",
            "key" => "to_k",
            "value" => "to_v",
            _ => "to_out.0",
        };
        return $"{m.Groups["path"].Value}.{renamed}.{m.Groups["param"].Value}";
    }

    /// <summary>
    /// The same tensors under current names. A file holding a weight under both its old and its new name
    /// is ambiguous and rejected, naming <paramref name="source"/>.
    /// </summary>
    public static Dictionary<string, Tensor> Apply(Dictionary<string, Tensor> weights, string source)
    {
        var renamed = new Dictionary<string, Tensor>(weights.Count);
        foreach (var (key, tensor) in weights)
        {
            var name = Rename(key);
            if (!renamed.TryAdd(name, tensor))
                throw new DiffuseException($"{source}: weight '{name}' appears twice, under its old attention name and its current name");
        }
        return renamed;
    }
}
