using System.Text.Json.Nodes;
using Diffuse.Folders.Original;
using Diffuse.Formats;
using static TorchSharp.torch;

namespace Diffuse.Tests.Folders;

/// <summary>
/// An original-layout single file (shared/interop/tiny-sd-single-file: the tiny-sd folder's weights as diffusers'
/// convert_diffusers_to_original_stable_diffusion.py writes them) read back into diffusers' names.
/// </summary>
public sealed class OriginalCheckpointTests
{
    static string SingleFile => Path.Combine(Fixtures.InteropFolder, "tiny-sd-single-file", "tiny-sd.safetensors");
    static string Folder => Path.Combine(Fixtures.InteropFolder, "tiny-sd");

    [Theory]
    [InlineData("unet", "diffusion_pytorch_model.safetensors")]
    [InlineData("vae", "diffusion_pytorch_model.safetensors")]
    [InlineData("text_encoder", "model.safetensors")]
    public void Every_component_comes_back_under_diffusers_names_bit_for_bit(string component, string weightsFile)
    {
        using var checkpoint = OriginalCheckpoint.Read(SingleFile, Folder);
        var converted = component switch { "unet" => checkpoint.UNet, "vae" => checkpoint.Vae, _ => checkpoint.TextEncoder };
        var expected = SafetensorsFile.Read(Path.Combine(Folder, component, weightsFile));
        try
        {
            Assert.Equal(expected.Keys.Order(), converted.Keys.Order());
            foreach (var (key, tensor) in expected)
                Assert.True(converted[key].shape.SequenceEqual(tensor.shape) && converted[key].eq(tensor).all().item<bool>(), $"{component}: {key} differs");
        }
        finally
        {
            foreach (var t in expected.Values) t.Dispose();
        }
    }

    [Fact]
    public void The_shapes_tell_the_architecture_and_the_rest_comes_from_the_config_folder()
    {
        using var checkpoint = OriginalCheckpoint.Read(SingleFile, Folder);
        Assert.Equal(StableDiffusionFamily.V1, checkpoint.Family);
        var unet = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "unet", "config.json")))!.AsObject();
        foreach (var key in new[] { "in_channels", "out_channels", "block_out_channels", "layers_per_block", "down_block_types", "up_block_types",
                                    "cross_attention_dim", "use_linear_projection", "transformer_layers_per_block", "attention_head_dim", "sample_size" })
            Assert.True(JsonNode.DeepEquals(unet[key], checkpoint.UNetConfig[key]), $"unet {key}: {checkpoint.UNetConfig[key]?.ToJsonString()} vs {unet[key]?.ToJsonString()}");
        var vae = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "vae", "config.json")))!.AsObject();
        foreach (var key in new[] { "in_channels", "out_channels", "latent_channels", "block_out_channels", "layers_per_block", "scaling_factor" })
            Assert.True(JsonNode.DeepEquals(vae[key], checkpoint.VaeConfig[key]), $"vae {key}");
        var text = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "text_encoder", "config.json")))!.AsObject();
        foreach (var key in new[] { "hidden_size", "vocab_size", "max_position_embeddings", "num_hidden_layers", "intermediate_size", "hidden_act", "num_attention_heads" })
            Assert.True(JsonNode.DeepEquals(text[key], checkpoint.TextEncoderConfig[key]), $"text_encoder {key}");
    }

    [Fact]
    public void Without_a_config_folder_the_standard_sd1_values_fill_in_what_the_file_does_not_hold()
    {
        using var checkpoint = OriginalCheckpoint.Read(SingleFile);
        Assert.Equal(8, checkpoint.UNetConfig["attention_head_dim"]!.GetValue<int>());
        Assert.Equal(0.18215, checkpoint.VaeConfig["scaling_factor"]!.GetValue<double>());
        Assert.Equal(12, checkpoint.TextEncoderConfig["num_attention_heads"]!.GetValue<int>());   // SD 1.5's, not the tiny model's 4
        Assert.Equal(32, checkpoint.UNetConfig["cross_attention_dim"]!.GetValue<int>());           // but the file's own sizes win
    }

    [Fact]
    public void A_tensor_it_cannot_place_refuses_the_whole_file_in_one_line()
    {
        using var temp = new TempFolder();
        var path = temp.File("odd.safetensors");
        var tensors = SafetensorsFile.Read(SingleFile);
        try
        {
            tensors["model.diffusion_model.label_emb.0.0.weight"] = zeros(4, 4);
            SafetensorsFile.Write(path, tensors);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        var e = Assert.ThrowsAny<DiffuseException>(() => OriginalCheckpoint.Read(path));
        Assert.Contains("cannot place the tensor 'model.diffusion_model.label_emb.0.0.weight'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_diffusers_weights_file_is_not_taken_for_a_checkpoint()
    {
        var e = Assert.ThrowsAny<DiffuseException>(() => OriginalCheckpoint.Read(Path.Combine(Folder, "vae", "diffusion_pytorch_model.safetensors")));
        Assert.Contains("cannot place the tensor", e.Message);
    }

    [Fact]
    public void An_open_clip_text_tower_is_split_into_clip_text_model_names_and_its_last_layer_dropped()
    {
        // SD 2.x keeps OpenCLIP's layout: fused q/k/v (attn.in_proj), ln_1/ln_2, mlp.c_fc/c_proj, and one layer more than
        // the penultimate-layer text encoder uses. Built here from the tiny CLIP weights, it must convert back exactly.
        using var temp = new TempFolder();
        var hf = SafetensorsFile.Read(Path.Combine(Folder, "text_encoder", "model.safetensors"));
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            const string P = "cond_stage_model.model.";
            tensors[P + "token_embedding.weight"] = hf["text_model.embeddings.token_embedding.weight"];
            tensors[P + "positional_embedding"] = hf["text_model.embeddings.position_embedding.weight"];
            tensors[P + "ln_final.weight"] = hf["text_model.final_layer_norm.weight"];
            tensors[P + "ln_final.bias"] = hf["text_model.final_layer_norm.bias"];
            tensors[P + "text_projection"] = zeros(32, 32);
            for (int layer = 0; layer < 6; layer++)   // layer 5 is the extra one, a copy of layer 0
            {
                string from = $"text_model.encoder.layers.{(layer == 5 ? 0 : layer)}.", to = $"{P}transformer.resblocks.{layer}.";
                foreach (var kind in new[] { "weight", "bias" })
                {
                    tensors[to + "attn.in_proj_" + kind] = cat([hf[from + "self_attn.q_proj." + kind], hf[from + "self_attn.k_proj." + kind], hf[from + "self_attn.v_proj." + kind]]);
                    tensors[to + "attn.out_proj." + kind] = hf[from + "self_attn.out_proj." + kind];
                    tensors[to + "ln_1." + kind] = hf[from + "layer_norm1." + kind];
                    tensors[to + "ln_2." + kind] = hf[from + "layer_norm2." + kind];
                    tensors[to + "mlp.c_fc." + kind] = hf[from + "mlp.fc1." + kind];
                    tensors[to + "mlp.c_proj." + kind] = hf[from + "mlp.fc2." + kind];
                }
            }
            var original = SafetensorsFile.Read(SingleFile);
            foreach (var (key, t) in original.Where(kv => !kv.Key.StartsWith("cond_stage_model.", StringComparison.Ordinal))) tensors[key] = t;
            var path = temp.File("sd2-like.safetensors");
            SafetensorsFile.Write(path, tensors);
            foreach (var t in original.Values) t.Dispose();

            using var checkpoint = OriginalCheckpoint.Read(path);
            Assert.Equal(StableDiffusionFamily.V2, checkpoint.Family);
            // The standard SD 2.x text encoder keeps 23 layers; this one has 6 in the file, so pass the count through a config.
            Assert.Equal("gelu", checkpoint.TextEncoderConfig["hidden_act"]!.GetValue<string>());
        }
        finally
        {
            foreach (var t in hf.Values) t.Dispose();
        }
        var withConfig = temp.File("config");
        CopyConfigs(Folder, withConfig);
        using var converted = OriginalCheckpoint.Read(temp.File("sd2-like.safetensors"), withConfig);
        var expected = SafetensorsFile.Read(Path.Combine(Folder, "text_encoder", "model.safetensors"));
        try
        {
            Assert.Equal(expected.Keys.Order(), converted.TextEncoder.Keys.Order());
            foreach (var (key, tensor) in expected) Assert.True(converted.TextEncoder[key].eq(tensor).all().item<bool>(), key);
        }
        finally
        {
            foreach (var t in expected.Values) t.Dispose();
        }
    }

    static void CopyConfigs(string from, string to)
    {
        foreach (var part in new[] { "unet/config.json", "vae/config.json", "text_encoder/config.json", "scheduler/scheduler_config.json" })
        {
            var target = Path.Combine(to, part);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(from, part), target);
        }
    }
}
