using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// Renames the attention weights of checkpoints saved before diffusers 0.15, whose <c>AttentionBlock</c>
/// named its projections <c>query</c>, <c>key</c>, <c>value</c> and <c>proj_attn</c>; today's
/// <c>Attention</c> calls them <c>to_q</c>, <c>to_k</c>, <c>to_v</c> and <c>to_out.0</c>. This is the
/// rename diffusers itself applies on load (<c>_convert_deprecated_attention_blocks</c>); the shapes
/// are the same, and <c>group_norm</c> kept its name. The same keys anywhere in a model are renamed, so the
/// UNet's and the VAE's (<c>encoder.mid_block.attentions.0.query</c>) both load.
/// Original (CompVis) checkpoints hold these projections as 1×1 convolutions, [out, in, 1, 1]; they are
/// reshaped to the linear layers' [out, in], as diffusers' <c>update_vae_attentions_ldm_to_diffusers</c> does.
/// </summary>
public static partial class LegacyAttentionKeys
{
    [GeneratedRegex(@"^(?<path>(.+\.)?attentions\.\d+)\.(?<old>query|key|value|proj_attn)\.(?<param>weight|bias)$")]
    private static partial Regex OldName();

    [GeneratedRegex(@"^(.+\.)?attentions\.\d+\.(to_q|to_k|to_v|to_out\.0)\.weight$")]
    private static partial Regex ProjectionWeight();

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

    /// <summary>Whether the weight under (current) name <paramref name="key"/> is an attention projection stored as a 1×1 convolution.</summary>
    public static bool IsConvolutionShaped(string key, long[] shape) =>
        ProjectionWeight().IsMatch(key) && shape.Length is 3 or 4 && shape.Skip(2).All(s => s == 1);

    /// <summary>
    /// The same tensors under current names and linear shapes. A file holding a weight under both its old and its new
    /// name is ambiguous and rejected, naming <paramref name="source"/>. Tensors reshaped here replace (and dispose) the read ones.
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
        foreach (var name in renamed.Keys.ToList())
        {
            var tensor = renamed[name];
            if (!IsConvolutionShaped(name, tensor.shape)) continue;
            renamed[name] = tensor.reshape(tensor.shape[0], tensor.shape[1]);
            tensor.Dispose();
        }
        return renamed;
    }
}
