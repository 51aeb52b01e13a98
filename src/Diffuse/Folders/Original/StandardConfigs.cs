using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diffuse.Folders.Original;

/// <summary>
/// The component configs an original checkpoint does not carry: those of the standard releases
/// (runwayml/stable-diffusion-v1-5, stabilityai/stable-diffusion-2-1-base, as diffusers' single-file loader falls back
/// to), or a diffusers folder's own. What the file's shapes tell is written over these (<see cref="OriginalCheckpoint"/>).
/// </summary>
public sealed record StandardConfigs(JsonObject UNet, JsonObject Vae, JsonObject TextEncoder, JsonObject Scheduler)
{
    public static StandardConfigs For(StableDiffusionFamily family) => family == StableDiffusionFamily.V1 ? V1() : V2();

    /// <summary>The configs of a diffusers Stable Diffusion folder (unet/, vae/, text_encoder/, scheduler/).</summary>
    public static StandardConfigs FromFolder(string folder)
    {
        if (!Directory.Exists(folder)) throw new DiffuseArgumentException("config", $"folder '{folder}' not found");
        JsonObject Read(params string[] parts)
        {
            var path = Path.Combine([folder, .. parts]);
            if (!File.Exists(path)) throw new DiffuseArgumentException("config", $"folder '{folder}' has no {string.Join('/', parts)}");
            try { return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new DiffuseException($"{path}: not a JSON object"); }
            catch (JsonException e) { throw new DiffuseException($"{path}: not valid JSON: {e.Message.Split('\n')[0]}"); }
        }
        return new StandardConfigs(Read("unet", "config.json"), Read("vae", "config.json"), Read("text_encoder", "config.json"),
                                   Read("scheduler", "scheduler_config.json"));
    }

    static StandardConfigs V1() => new(
        new JsonObject
        {
            ["_class_name"] = "UNet2DConditionModel", ["sample_size"] = 64, ["attention_head_dim"] = 8, ["cross_attention_dim"] = 768,
            ["norm_num_groups"] = 32, ["use_linear_projection"] = false, ["upcast_attention"] = false,
        },
        VaeConfig(sampleSize: 512),
        new JsonObject
        {
            ["architectures"] = new JsonArray("CLIPTextModel"), ["model_type"] = "clip_text_model", ["hidden_act"] = "quick_gelu",
            ["num_attention_heads"] = 12, ["num_hidden_layers"] = 12, ["layer_norm_eps"] = 1e-5,
            ["bos_token_id"] = 0, ["eos_token_id"] = 2, ["pad_token_id"] = 1,
        },
        new JsonObject
        {
            ["_class_name"] = "PNDMScheduler", ["beta_start"] = 0.00085, ["beta_end"] = 0.012, ["beta_schedule"] = "scaled_linear",
            ["num_train_timesteps"] = 1000, ["set_alpha_to_one"] = false, ["skip_prk_steps"] = true, ["steps_offset"] = 1,
            ["clip_sample"] = false, ["prediction_type"] = "epsilon",
        });

    // SD 2.x: OpenCLIP ViT-H, 64 channels per attention head, linear projections; prediction_type is not in a file
    // (the 768-v models predict v): give a diffusers folder with --config for those.
    static StandardConfigs V2() => new(
        new JsonObject
        {
            ["_class_name"] = "UNet2DConditionModel", ["sample_size"] = 64, ["attention_head_dim"] = new JsonArray(5, 10, 20, 20),
            ["cross_attention_dim"] = 1024, ["norm_num_groups"] = 32, ["use_linear_projection"] = true, ["upcast_attention"] = false,
        },
        VaeConfig(sampleSize: 512),
        new JsonObject
        {
            ["architectures"] = new JsonArray("CLIPTextModel"), ["model_type"] = "clip_text_model", ["hidden_act"] = "gelu",
            ["num_attention_heads"] = 16, ["num_hidden_layers"] = 23, ["layer_norm_eps"] = 1e-5,
            ["bos_token_id"] = 0, ["eos_token_id"] = 2, ["pad_token_id"] = 1, ["projection_dim"] = 512,
        },
        new JsonObject
        {
            ["_class_name"] = "DDIMScheduler", ["beta_start"] = 0.00085, ["beta_end"] = 0.012, ["beta_schedule"] = "scaled_linear",
            ["num_train_timesteps"] = 1000, ["set_alpha_to_one"] = false, ["steps_offset"] = 1, ["clip_sample"] = false,
            ["prediction_type"] = "epsilon",
        });

    static JsonObject VaeConfig(int sampleSize) => new()
    {
        ["_class_name"] = "AutoencoderKL", ["sample_size"] = sampleSize, ["scaling_factor"] = 0.18215, ["norm_num_groups"] = 32,
        ["act_fn"] = "silu",
    };
}
