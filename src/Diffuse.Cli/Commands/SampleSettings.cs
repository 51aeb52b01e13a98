using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class SampleSettings : CommandSettings
{
    [CommandOption("--model <PATH>")]
    [Description("Model folder in diffusers' layout (a training run's folder, its model/ or checkpoint-N/, or a diffusers DDPMPipeline folder; not a preset name, those are for train --preset). " + DefaultModel.Help)]
    public string? Model { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description(ModelOptions.DeviceHelp)]
    public string? Device { get; init; }

    [CommandOption("--prompt <TEXT>")]
    [Description("Text-to-image models (Stable Diffusion): what to draw (prompts past CLIP's 77 tokens are cut, with a warning).")]
    public string? Prompt { get; init; }

    [CommandOption("--prompt-embeds <FILE.safetensors>")]
    [Description("Stable Diffusion 3 (whose text encoders are not included): the prompt's embeddings, tensors prompt_embeds and pooled_prompt_embeds, and for guidance negative_prompt_embeds and negative_pooled_prompt_embeds.")]
    public string? PromptEmbeds { get; init; }

    [CommandOption("--negative-prompt <TEXT>")]
    [Description("Text-to-image models: what guidance steers away from (default: the empty prompt).")]
    public string? NegativePrompt { get; init; }

    [CommandOption("--config <DIR>")]
    [Description("With a single-file checkpoint as --model: a diffusers Stable Diffusion folder whose configs, scheduler and tokenizer fill in what the file does not hold (default: the standard SD 1.x/2.x settings).")]
    public string? Config { get; init; }

    [CommandOption("--guidance-rescale <R>")]
    [Description("Text-to-image models: diffusers' guidance_rescale φ in [[0, 1]] (Lin et al. 2023): the guided prediction pulled towards the conditional one's spread; 0 (default) is off.")]
    public double? GuidanceRescale { get; init; }

    [CommandOption("--clip-skip <K>")]
    [Description("Text-to-image models: use the text encoder's layer K before the last (diffusers' clip_skip; 1 = the penultimate).")]
    public int? ClipSkip { get; init; }

    [CommandOption("--vae-tiling")]
    [Description("Latent models: decode the image in overlapping tiles (diffusers' enable_tiling), for large images in little memory.")]
    public bool VaeTiling { get; init; }

    [CommandOption("--height <PIXELS>")]
    [Description("Text-to-image models: image height, a multiple of 8 (default: the model's, 512 for SD 1.5).")]
    public int? Height { get; init; }

    [CommandOption("--width <PIXELS>")]
    [Description("Text-to-image models: image width, a multiple of 8 (default: the model's).")]
    public int? Width { get; init; }

    [CommandOption("--sampler <NAME>")]
    [Description("Sampler: ddpm, ddim, dpm++, euler, euler_a, heun, pndm, plms, flow_euler, flow_heun (flow-matching models), or a diffusers scheduler class name. Default: the model folder's own (_class_name of scheduler/scheduler_config.json; DDIM for models trained here).")]
    public string? Sampler { get; init; }

    [CommandOption("--class <LIST>")]
    [Description("Class-conditional models: a class index, or a comma-separated list with one class per grid row (default: every class, one a row).")]
    public string? Class { get; init; }

    [CommandOption("--guidance-scale <S>")]
    [Description("diffusers' guidance_scale s (classifier-free guidance, Ho & Salimans 2022): ε̂ = ε(x) + s·(ε(x,c) − ε(x)); 1 (the default) is the plain conditional model, more follows the class harder.")]
    public double? GuidanceScale { get; init; }

    [CommandOption("--steps <N>")]
    [Description("Denoising steps (DDPM is usually run with all 1000).")]
    [DefaultValue(50)]
    public int Steps { get; init; } = 50;

    [CommandOption("--eta <X>")]
    [Description("Noise of DDIM (0: deterministic, the default; 1: DDPM-like) and of euler_a (default 1).")]
    public double? Eta { get; init; }

    [CommandOption("--dtype <TYPE>")]
    [Description("Float type the network runs in: float32, or bfloat16 / float16 (bfloat16 measured 1.8× faster here; float16 23× slower on CPUs without float16 units; samples differ slightly, see docs/benchmarks.md). The sampler's arithmetic stays float32.")]
    [DefaultValue("float32")]
    public string DType { get; init; } = "float32";

    [CommandOption("--no-clip")]
    [Description("Do not clip (or threshold) the predicted x̂_0, whatever the model's scheduler config says; decode noise from diffuse invert with it.")]
    public bool NoClip { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the starting noise (and of the sampler's noise).")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--count <N>")]
    [Description("Number of images (or 2-D points for a toy model). Default: 64; 8 a class row for a class-conditional model; 2000 points for a toy model; or the batch of --init-noise.")]
    public int? Count { get; init; }

    [CommandOption("--init-noise <FILE.safetensors>")]
    [Description("Start from tensor 'sample' of this file ([[N, C, H, W]] of the model; the latents of a latent model) instead of seeded noise, e.g. noise saved from diffusers.")]
    public string? InitNoise { get; init; }

    [CommandOption("--save-tensor <FILE.safetensors>")]
    [Description("Also write the final samples as float32 tensor 'sample', before PNG conversion, to compare with another implementation; a latent model writes 'latents' (before the VAE) and 'image' (decoded, in [[0, 1]], as diffusers' output_type=\"pt\").")]
    public string? SaveTensor { get; init; }

    [CommandOption("--out <FILE.png>")]
    [Description("Where to write the grid (or scatter plot for a toy model).")]
    [DefaultValue("samples.png")]
    public string Out { get; init; } = "samples.png";

    [CommandOption("--each <DIR>")]
    [Description("Also write every image as its own PNG into this folder.")]
    public string? Each { get; init; }

    [CommandOption("--trajectory <FILE.png>")]
    [Description("Also write the denoising trajectory, one row per sample: x_t at evenly spaced steps (first and last included), then the x̂_0 the model predicted from each.")]
    public string? Trajectory { get; init; }

    [CommandOption("--trajectory-steps <K>")]
    [Description("Steps shown by --trajectory (at least 2; default 10, or --steps if fewer).")]
    public int? TrajectorySteps { get; init; }

    [CommandOption("--columns <N>")]
    [Description("Grid columns (default: about the square root of --count).")]
    public int? Columns { get; init; }

    [CommandOption("--scale <N>")]
    [Description("Pixel magnification of the grid.")]
    [DefaultValue(2)]
    public int Scale { get; init; } = 2;
}
