using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class TrainSettings : CommandSettings
{
    [CommandOption("--data <PATH>")]
    [Description("Training data: an IDX images file (.gz or plain), a folder of PNG/JPEG images, or a built-in name: fashion-mnist (embedded part), swissroll, moons, gaussians8, checkerboard.")]
    [DefaultValue("fashion-mnist")]
    public string Data { get; init; } = "fashion-mnist";

    [CommandOption("--out <DIR>")]
    [Description("Run folder: checkpoints, loss.jsonl, loss.png, samples/, and the final model/ and samples.png.")]
    [DefaultValue("runs/fashion-mnist")]
    public string Out { get; init; } = "runs/fashion-mnist";

    [CommandOption("--preset <NAME>")]
    [Description("Model size preset for images: tiny, default, small (UNets); dit, dit-p4 (diffusion transformers, patch 2 or 4); ignored for 2-D toy data.")]
    [DefaultValue("default")]
    public string Preset { get; init; } = "default";

    [CommandOption("--device <DEVICE>")]
    [Description(ModelOptions.DeviceHelp)]
    public string? Device { get; init; }

    [CommandOption("--steps <N>")]
    [Description("Total optimiser steps (with --resume: the new total; the default keeps the checkpoint's).")]
    public int? Steps { get; init; }

    [CommandOption("--batch <N>")]
    [Description("Batch size.")]
    public int? Batch { get; init; }

    [CommandOption("--lr <X>")]
    [Description("Peak learning rate of AdamW (after warm-up, decayed by a cosine to 0).")]
    public double? Lr { get; init; }

    [CommandOption("--warmup <N>")]
    [Description("Linear learning-rate warm-up steps.")]
    public int? Warmup { get; init; }

    [CommandOption("--schedule <NAME>")]
    [Description("Beta schedule: linear, scaled_linear, squaredcos_cap_v2 (cosine), sigmoid.")]
    public string? Schedule { get; init; }

    [CommandOption("--prediction <TYPE>")]
    [Description("What the network predicts: epsilon, sample, v_prediction (default; giving it also picks --objective diffusion).")]
    public string? Prediction { get; init; }

    [CommandOption("--objective <NAME>")]
    [Description("diffusion (a beta schedule and --prediction) or flow (rectified flow: the network predicts the velocity noise − x₀; sampled with flow_euler, which is DDIM's step for it). Default: flow for an unconditional image model without --prediction, diffusion otherwise.")]
    public string? Objective { get; init; }

    [CommandOption("--weighting-scheme <NAME>")]
    [Description("With --objective flow: diffusers' weighting_scheme, the timestep density and loss weight: logit_normal (default), mode, cosmap, sigma_sqrt, none.")]
    public string? WeightingScheme { get; init; }

    [CommandOption("--flow-shift <S>")]
    [Description("With --objective flow: the timestep shift s, σ ↦ sσ/(1 + (s − 1)σ), for training and the saved sampler (default 1).")]
    public double? FlowShift { get; init; }

    [CommandOption("--precondition-outputs")]
    [Description("With --objective flow: regress x̂₀ = x_σ − σ·v on x₀ instead of v on noise − x₀.")]
    public bool PreconditionOutputs { get; init; }

    [CommandOption("--min-lr-ratio <X>")]
    [Description("Where the cosine decay of the learning rate ends, as a fraction of --lr (default 0); 1 keeps the rate constant after the warm-up, for a run meant to go on as long as it improves.")]
    public double? MinLrRatio { get; init; }

    [CommandOption("--dtype <TYPE>")]
    [Description("Float type of the forward and backward passes: float32, or bfloat16 (mixed precision: float32 master weights, optimiser state, EMA and loss). Stored in the run; a resumed run keeps it.")]
    public string? DType { get; init; }

    [CommandOption("--snr-gamma <X>")]
    [Description("Min-SNR-γ loss weighting (Hang et al. 2023); 0 turns it off.")]
    public double? SnrGamma { get; init; }

    [CommandOption("--ema-power <X>")]
    [Description("EMA warm-up power: decay = 1 − (1 + step)^−power, capped at 0.9999.")]
    public double? EmaPower { get; init; }

    [CommandOption("--image-size <N>")]
    [Description("Resize images to N×N (default: 28 for IDX data, 32 for image folders).")]
    public int? ImageSize { get; init; }

    [CommandOption("--conditional")]
    [Description("Train a class-conditional model (labels from the IDX labels file or the subfolders) with label dropout for classifier-free guidance.")]
    public bool Conditional { get; init; }

    [CommandOption("--cond-drop <P>")]
    [Description("With --conditional: probability of replacing a label by the null class (Ho & Salimans 2022).")]
    public double? CondDrop { get; init; }

    [CommandOption("--task <TASK>")]
    [Description("generate (images from noise), superres (images from images --superres-scale times smaller, SR3) text-to-image (a captioned folder: metadata.jsonl or .txt captions) or autoencoder (an AutoencoderKL for latent diffusion; writes model/vae/).")]
    [DefaultValue("generate")]
    public string Task { get; init; } = "generate";

    [CommandOption("--superres-scale <N>")]
    [Description("With --task superres: how many times smaller the low-resolution input is (default 2); the image size must be divisible by it.")]
    public int? SuperresScale { get; init; }

    [CommandOption("--vae <DIR>")]
    [Description("With --task text-to-image: a frozen AutoencoderKL folder (a vae/ or a pipeline holding one); the UNet denoises its latents. Default: pixels.")]
    public string? Vae { get; init; }

    [CommandOption("--text-encoder <DIR>")]
    [Description("With --task text-to-image: a folder with a frozen CLIP text_encoder/ and tokenizer/. Default: a small CLIP text model trained from scratch with the UNet, with a BPE learned from the captions.")]
    public string? TextEncoder { get; init; }

    [CommandOption("--max-length <N>")]
    [Description("With --task text-to-image and no --text-encoder: tokens a prompt is padded and cut to (bos and eos included; default 16).")]
    public int? MaxLength { get; init; }

    [CommandOption("--kl-weight <X>")]
    [Description("With --task autoencoder: weight of the KL term against the squared error (default 1e-6, latent diffusion's).")]
    public double? KlWeight { get; init; }

    [CommandOption("--no-flip")]
    [Description("Do not flip training images horizontally at random.")]
    public bool NoFlip { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Seed for weights, batches and noise.")]
    public long? Seed { get; init; }

    [CommandOption("--sample-every <N>")]
    [Description("Write a preview sample grid every N steps (0: only at the end).")]
    public int? SampleEvery { get; init; }

    [CommandOption("--checkpoint-every <N>")]
    [Description("Save a checkpoint every N steps (0: only at the end). Ctrl-C also saves one.")]
    public int? CheckpointEvery { get; init; }

    [CommandOption("--sample-steps <N>")]
    [Description("DDIM steps for the preview and final sample grids.")]
    public int? SampleSteps { get; init; }

    [CommandOption("--resume")]
    [Description("Continue the newest checkpoint in --out with its saved config (of the other options only --steps applies).")]
    public bool Resume { get; init; }
}
