using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Diffuse.Folders.Original;

/// <summary>
/// The VAE of an original checkpoint (<c>first_stage_model.*</c>, CompVis' <c>AutoencoderKL</c>: <c>down.{i}.block.{j}</c>,
/// <c>mid.attn_1.{q,k,v,proj_out}</c>, <c>up.{i}</c> counted from the bottom) in diffusers' names, as
/// <c>convert_ldm_vae_checkpoint</c> (single_file_utils.py, v0.31) maps them: the decoder's <c>up.{L−1−i}</c> is
/// <c>up_blocks.{i}</c>, and the mid-block attention's 1×1-conv weights [C, C, 1, 1] become linear [C, C].
/// </summary>
static class LdmVaeKeys
{
    static readonly (string From, string To)[] Attention =
    [
        ("norm.", "group_norm."), ("q.", "to_q."), ("k.", "to_k."), ("v.", "to_v."), ("proj_out.", "to_out.0."),
    ];

    /// <param name="weights">the VAE's tensors with the <c>first_stage_model.</c> prefix removed.</param>
    public static (Dictionary<string, Tensor> Weights, JsonObject Config) Convert(IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        Tensor Get(string key) => weights.TryGetValue(key, out var t) ? t : throw new DiffuseException($"{source}: the VAE has no '{key}'");
        int levels = weights.Keys.Where(k => k.StartsWith("encoder.down.", StringComparison.Ordinal)).Select(k => k.Split('.')[2]).Distinct().Count();
        int layers = weights.Keys.Where(k => k.StartsWith("encoder.down.0.block.", StringComparison.Ordinal)).Select(k => k.Split('.')[4]).Distinct().Count();
        if (levels == 0 || layers == 0) throw new DiffuseException($"{source}: the VAE has no encoder.down blocks");

        var renamed = new Dictionary<string, Tensor>();
        void Put(string key, Tensor tensor)
        {
            if (!renamed.TryAdd(key, tensor)) throw new DiffuseException($"{source}: two VAE tensors map to '{key}'");
        }
        foreach (var (key, tensor) in weights)
        {
            var parts = key.Split('.');
            string Rest(int from) => string.Join('.', parts.Skip(from));
            if (parts[0] is "quant_conv" or "post_quant_conv") { Put(key, tensor); continue; }
            if (parts[0] is not ("encoder" or "decoder")) throw LdmUNetKeys.Unplaced(source, "first_stage_model." + key);
            string side = parts[0];
            switch (parts[1])
            {
                case "conv_in" or "conv_out":
                    Put(key, tensor); break;
                case "norm_out":
                    Put($"{side}.conv_norm_out.{Rest(2)}", tensor); break;
                case "down" when parts[3] == "block":
                    Put($"{side}.down_blocks.{parts[2]}.resnets.{parts[4]}.{Shortcut(Rest(5))}", tensor); break;
                case "down" when parts[3] == "downsample":
                    Put($"{side}.down_blocks.{parts[2]}.downsamplers.0.{Rest(4)}", tensor); break;
                case "up":
                {
                    int block = levels - 1 - int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                    if (parts[3] == "block") Put($"{side}.up_blocks.{block}.resnets.{parts[4]}.{Shortcut(Rest(5))}", tensor);
                    else if (parts[3] == "upsample") Put($"{side}.up_blocks.{block}.upsamplers.0.{Rest(4)}", tensor);
                    else throw LdmUNetKeys.Unplaced(source, "first_stage_model." + key);
                    break;
                }
                case "mid" when parts[2] is "block_1" or "block_2":
                    Put($"{side}.mid_block.resnets.{(parts[2] == "block_1" ? 0 : 1)}.{Shortcut(Rest(3))}", tensor); break;
                case "mid" when parts[2] == "attn_1":
                {
                    var rest = Rest(3);
                    var (from, to) = Attention.FirstOrDefault(a => rest.StartsWith(a.From, StringComparison.Ordinal));
                    if (from is null) throw LdmUNetKeys.Unplaced(source, "first_stage_model." + key);
                    // Stored as 1×1 convolutions; diffusers' attention keeps linear weights.
                    var value = tensor.dim() == 4 && from != "norm." ? tensor[.., .., 0, 0] : tensor;
                    Put($"{side}.mid_block.attentions.0.{to}{rest[from.Length..]}", value);
                    break;
                }
                default:
                    throw LdmUNetKeys.Unplaced(source, "first_stage_model." + key);
            }
        }

        var channels = Enumerable.Range(0, levels).Select(i => (int)Get($"encoder.down.{i}.block.0.conv2.weight").shape[0]).ToArray();
        var config = new JsonObject
        {
            ["in_channels"] = (int)Get("encoder.conv_in.weight").shape[1],
            ["out_channels"] = (int)Get("decoder.conv_out.weight").shape[0],
            ["latent_channels"] = (int)Get("decoder.conv_in.weight").shape[1],
            ["block_out_channels"] = new JsonArray(channels.Select(c => (JsonNode?)c).ToArray()),
            ["layers_per_block"] = layers,
            ["down_block_types"] = new JsonArray(channels.Select(_ => (JsonNode?)"DownEncoderBlock2D").ToArray()),
            ["up_block_types"] = new JsonArray(channels.Select(_ => (JsonNode?)"UpDecoderBlock2D").ToArray()),
        };
        return (renamed, config);
    }

    static string Shortcut(string rest) => rest.StartsWith("nin_shortcut.", StringComparison.Ordinal) ? "conv_shortcut." + rest["nin_shortcut.".Length..] : rest;
}
