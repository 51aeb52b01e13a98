using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Diffuse.Folders.Original;

/// <summary>
/// The UNet of an original (LDM, A1111, ComfyUI) checkpoint in diffusers' names: CompVis' <c>UNetModel</c>
/// (<c>input_blocks</c>, <c>middle_block</c>, <c>output_blocks</c>) to <c>UNet2DConditionModel</c> (<c>down_blocks</c>,
/// <c>mid_block</c>, <c>up_blocks</c>), as diffusers' <c>convert_ldm_unet_checkpoint</c> (single_file_utils.py, v0.31)
/// maps them, with what the shapes tell of the architecture. Tensors are renamed, not copied.
/// </summary>
static class LdmUNetKeys
{
    static readonly (string From, string To)[] Resnet =
    [
        ("in_layers.0.", "norm1."), ("in_layers.2.", "conv1."), ("out_layers.0.", "norm2."), ("out_layers.3.", "conv2."),
        ("emb_layers.1.", "time_emb_proj."), ("skip_connection.", "conv_shortcut."),
    ];

    /// <param name="weights">the UNet's tensors with the <c>model.diffusion_model.</c> prefix removed.</param>
    public static (Dictionary<string, Tensor> Weights, JsonObject Config) Convert(IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        Tensor Get(string key) => weights.TryGetValue(key, out var t) ? t : throw new DiffuseException($"{source}: the UNet has no '{key}' (not an SD 1.x/2.x checkpoint?)");
        // Levels: one downsampler (input_blocks.N.0.op) between each pair; the first sits after layers_per_block resnets.
        var ops = weights.Keys.Where(k => k.EndsWith(".0.op.weight", StringComparison.Ordinal) && k.StartsWith("input_blocks.", StringComparison.Ordinal))
                         .Select(k => int.Parse(k.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        int levels = ops.Count + 1;
        int layers = ops.Count > 0 ? ops[0] - 1 : weights.Keys.Count(k => k.StartsWith("input_blocks.", StringComparison.Ordinal) && k.EndsWith(".0.in_layers.0.weight", StringComparison.Ordinal));
        int perLevel = layers + 1;

        var channels = Enumerable.Range(0, levels).Select(level => (int)Get($"input_blocks.{perLevel * level + 1}.0.out_layers.3.weight").shape[0]).ToArray();
        bool Attention(string block) => weights.ContainsKey($"{block}.1.proj_in.weight");
        var downTypes = Enumerable.Range(0, levels).Select(level => Attention($"input_blocks.{perLevel * level + 1}") ? "CrossAttnDownBlock2D" : "DownBlock2D").ToArray();
        var upTypes = Enumerable.Range(0, levels).Select(block => Attention($"output_blocks.{perLevel * block}") ? "CrossAttnUpBlock2D" : "UpBlock2D").ToArray();

        var renamed = new Dictionary<string, Tensor>();
        void Put(string key, Tensor tensor)
        {
            if (!renamed.TryAdd(key, tensor)) throw new DiffuseException($"{source}: two UNet tensors map to '{key}'");
        }
        foreach (var (key, tensor) in weights)
        {
            var parts = key.Split('.');
            string Rest(int from) => string.Join('.', parts.Skip(from));
            switch (parts[0])
            {
                case "time_embed" when parts[1] is "0" or "2":
                    Put($"time_embedding.linear_{(parts[1] == "0" ? 1 : 2)}.{Rest(2)}", tensor); break;
                case "input_blocks" when parts[1] == "0" && parts[2] == "0":
                    Put($"conv_in.{Rest(3)}", tensor); break;
                case "input_blocks":
                {
                    int i = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                    int block = (i - 1) / perLevel, layer = (i - 1) % perLevel;
                    if (parts[2] == "0" && parts[3] == "op") Put($"down_blocks.{block}.downsamplers.0.conv.{Rest(4)}", tensor);
                    else if (parts[2] == "0") Put($"down_blocks.{block}.resnets.{layer}.{RenameResnet(Rest(3))}", tensor);
                    else if (parts[2] == "1") Put($"down_blocks.{block}.attentions.{layer}.{Rest(3)}", tensor);
                    else throw Unplaced(source, "model.diffusion_model." + key);
                    break;
                }
                case "middle_block":
                    Put(parts[1] switch
                    {
                        "0" => $"mid_block.resnets.0.{RenameResnet(Rest(2))}",
                        "1" => $"mid_block.attentions.0.{Rest(2)}",
                        "2" => $"mid_block.resnets.1.{RenameResnet(Rest(2))}",
                        _ => throw Unplaced(source, "model.diffusion_model." + key),
                    }, tensor);
                    break;
                case "output_blocks":
                {
                    int i = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                    int block = i / perLevel, layer = i % perLevel;
                    if (parts[2] == "0") Put($"up_blocks.{block}.resnets.{layer}.{RenameResnet(Rest(3))}", tensor);
                    else if (parts[3] == "conv" && (parts[2] == "2" || parts[2] == "1" && !Attention($"output_blocks.{i}")))
                        Put($"up_blocks.{block}.upsamplers.0.conv.{Rest(4)}", tensor);
                    else if (parts[2] == "1") Put($"up_blocks.{block}.attentions.{layer}.{Rest(3)}", tensor);
                    else throw Unplaced(source, "model.diffusion_model." + key);
                    break;
                }
                case "out" when parts[1] is "0" or "2":
                    Put($"{(parts[1] == "0" ? "conv_norm_out" : "conv_out")}.{Rest(2)}", tensor); break;
                default:
                    throw Unplaced(source, "model.diffusion_model." + key);
            }
        }

        // What the shapes tell; the rest (attention heads, sample size, ...) comes from a config.
        var attentionKey = renamed.Keys.FirstOrDefault(k => k.EndsWith("transformer_blocks.0.attn2.to_k.weight", StringComparison.Ordinal));
        var projIn = renamed.Keys.FirstOrDefault(k => k.EndsWith(".proj_in.weight", StringComparison.Ordinal));
        var config = new JsonObject
        {
            ["in_channels"] = (int)Get("input_blocks.0.0.weight").shape[1],
            ["out_channels"] = (int)Get("out.2.weight").shape[0],
            ["block_out_channels"] = new JsonArray(channels.Select(c => (JsonNode?)c).ToArray()),
            ["layers_per_block"] = layers,
            ["down_block_types"] = new JsonArray(downTypes.Select(t => (JsonNode?)t).ToArray()),
            ["up_block_types"] = new JsonArray(upTypes.Select(t => (JsonNode?)t).ToArray()),
        };
        if (attentionKey is not null) config["cross_attention_dim"] = (int)renamed[attentionKey].shape[1];
        if (projIn is not null) config["use_linear_projection"] = renamed[projIn].dim() == 2;
        var depth = renamed.Keys.Where(k => k.StartsWith("down_blocks.", StringComparison.Ordinal) && k.Contains(".attentions.0.transformer_blocks.", StringComparison.Ordinal))
                           .Select(k => k.Split('.')[5]).Distinct().Count();
        if (depth > 0) config["transformer_layers_per_block"] = depth;
        return (renamed, config);
    }

    static string RenameResnet(string rest)
    {
        foreach (var (from, to) in Resnet)
            if (rest.StartsWith(from, StringComparison.Ordinal)) return to + rest[from.Length..];
        return rest;
    }

    internal static DiffuseException Unplaced(string source, string key) =>
        new($"{source}: cannot place the tensor '{key}' (not part of an SD 1.x/2.x UNet, VAE or text encoder as diffusers converts them)");
}
