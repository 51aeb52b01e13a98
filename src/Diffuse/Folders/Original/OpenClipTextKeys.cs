using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Diffuse.Folders.Original;

/// <summary>
/// The text encoder of an original checkpoint in transformers' <c>CLIPTextModel</c> names. SD 1.x keeps the Hugging
/// Face model under <c>cond_stage_model.transformer.</c> (renamed by dropping the prefix); SD 2.x keeps OpenCLIP's
/// (<c>cond_stage_model.model.</c>: <c>transformer.resblocks.{i}</c> with a fused <c>attn.in_proj</c>), split as
/// diffusers' <c>convert_open_clip_checkpoint</c> (single_file_utils.py, v0.31) splits it, and the layers past
/// <c>num_hidden_layers</c> dropped (SD 2.x conditions on the penultimate layer: 23 of OpenCLIP's 24).
/// </summary>
static class OpenClipTextKeys
{
    public static (Dictionary<string, Tensor> Weights, JsonObject Config) ConvertHuggingFace(IReadOnlyDictionary<string, Tensor> weights)
    {
        var renamed = new Dictionary<string, Tensor>();
        foreach (var (key, tensor) in weights)
        {
            var name = key.StartsWith("text_model.", StringComparison.Ordinal) ? key : "text_model." + key;
            if (name.EndsWith("position_ids", StringComparison.Ordinal)) continue;   // a buffer, not a weight
            renamed[name] = tensor;
        }
        return (renamed, Shape(renamed, hiddenAct: "quick_gelu"));
    }

    /// <param name="layers">how many transformer layers the text encoder keeps (from its config); null: all but the last.</param>
    public static (Dictionary<string, Tensor> Weights, JsonObject Config) ConvertOpenClip(IReadOnlyDictionary<string, Tensor> weights, int? layers, string source)
    {
        int total = weights.Keys.Where(k => k.StartsWith("transformer.resblocks.", StringComparison.Ordinal)).Select(k => k.Split('.')[2]).Distinct().Count();
        int kept = layers ?? total - 1;
        var renamed = new Dictionary<string, Tensor>();
        foreach (var (key, tensor) in weights)
        {
            var parts = key.Split('.');
            if (key is "text_projection" or "logit_scale") continue;   // CLIPTextModel has no projection; diffusers drops them
            if (key == "token_embedding.weight") { renamed["text_model.embeddings.token_embedding.weight"] = tensor; continue; }
            if (key == "positional_embedding") { renamed["text_model.embeddings.position_embedding.weight"] = tensor; continue; }
            if (parts[0] == "ln_final") { renamed[$"text_model.final_layer_norm.{parts[1]}"] = tensor; continue; }
            if (parts[0] != "transformer" || parts[1] != "resblocks") throw LdmUNetKeys.Unplaced(source, "cond_stage_model.model." + key);
            int layer = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            if (layer >= kept) continue;
            var prefix = $"text_model.encoder.layers.{layer}.";
            var rest = string.Join('.', parts.Skip(3));
            switch (rest)
            {
                case "attn.in_proj_weight" or "attn.in_proj_bias":
                {
                    var kind = rest.EndsWith("weight", StringComparison.Ordinal) ? "weight" : "bias";
                    var qkv = tensor.chunk(3, 0);
                    renamed[prefix + $"self_attn.q_proj.{kind}"] = qkv[0];
                    renamed[prefix + $"self_attn.k_proj.{kind}"] = qkv[1];
                    renamed[prefix + $"self_attn.v_proj.{kind}"] = qkv[2];
                    break;
                }
                default:
                {
                    var target = rest.StartsWith("attn.out_proj.", StringComparison.Ordinal) ? "self_attn.out_proj." + rest["attn.out_proj.".Length..]
                        : rest.StartsWith("ln_1.", StringComparison.Ordinal) ? "layer_norm1." + rest["ln_1.".Length..]
                        : rest.StartsWith("ln_2.", StringComparison.Ordinal) ? "layer_norm2." + rest["ln_2.".Length..]
                        : rest.StartsWith("mlp.c_fc.", StringComparison.Ordinal) ? "mlp.fc1." + rest["mlp.c_fc.".Length..]
                        : rest.StartsWith("mlp.c_proj.", StringComparison.Ordinal) ? "mlp.fc2." + rest["mlp.c_proj.".Length..]
                        : throw LdmUNetKeys.Unplaced(source, "cond_stage_model.model." + key);
                    renamed[prefix + target] = tensor;
                    break;
                }
            }
        }
        return (renamed, Shape(renamed, hiddenAct: "gelu"));
    }

    static JsonObject Shape(IReadOnlyDictionary<string, Tensor> renamed, string hiddenAct)
    {
        var token = renamed["text_model.embeddings.token_embedding.weight"];
        var config = new JsonObject
        {
            ["vocab_size"] = (int)token.shape[0],
            ["hidden_size"] = (int)token.shape[1],
            ["max_position_embeddings"] = (int)renamed["text_model.embeddings.position_embedding.weight"].shape[0],
            ["num_hidden_layers"] = renamed.Keys.Where(k => k.StartsWith("text_model.encoder.layers.", StringComparison.Ordinal)).Select(k => k.Split('.')[3]).Distinct().Count(),
            ["hidden_act"] = hiddenAct,
        };
        if (renamed.TryGetValue("text_model.encoder.layers.0.mlp.fc1.weight", out var fc1)) config["intermediate_size"] = (int)fc1.shape[0];
        return config;
    }
}
