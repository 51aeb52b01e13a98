using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class BenchSettings : CommandSettings
{
    [CommandOption("--presets <LIST>")]
    [Description("Comma-separated cases: the model presets tiny, default, small (diffuse's trainer on Fashion-MNIST) and the PyTorch reference UNets pt-tiny, pt-tiny-noattn, pt-small, pt-small-noattn (timed as the reference was, 1×32×32; see docs/benchmarks.md); and, only when named, Stable Diffusion 1.5's UNet at batch 2: sd15-unet64-fp32, sd15-unet64-bf16 (512×512 images), sd15-unet32-fp32, sd15-unet32-bf16 (256×256), each timed alone with its peak memory (minutes each, up to 6 GB); the training recipes unet-eps, unet-flow, dit-eps, dit-flow (the default UNet and the DiT preset of the same size, ε and flow objectives, timed side by side). Default: all but the sd15-* cases; with --quick: tiny,default.")]
    public string? Presets { get; init; }

    [CommandOption("--batch <N>")]
    [Description("Images per training step and per forward pass.")]
    [DefaultValue(64)]
    public int Batch { get; init; } = 64;

    [CommandOption("--warmup-calls <N>")]
    [Description("Untimed calls of each piece before the timed ones (default 2; 1 with --quick and for the sd15-* cases).")]
    public int? WarmupCalls { get; init; }

    [CommandOption("--repeats <N>")]
    [Description("Exactly this many timed calls of each piece. Default: as many as --budget allows (at least 6 of a training step or forward pass, 5 of a sampling loop) until the median's 95 % interval is within ±2.5 %.")]
    public int? Repeats { get; init; }

    [CommandOption("--budget <SECONDS>")]
    [Description("Seconds of timed rounds after which pieces stop once they have their fewest calls (warm-ups and set-up not counted).")]
    [DefaultValue(170.0)]
    public double Budget { get; init; } = 170;

    [CommandOption("--quick")]
    [Description("A fast look: presets tiny and default, 1 warm-up, 3 timed calls of each piece, one sampling loop.")]
    public bool Quick { get; init; }

    [CommandOption("--size <N>")]
    [Description("Image side of the preset cases (the pt-* cases are 32 by definition).")]
    [DefaultValue(28)]
    public int Size { get; init; } = 28;

    [CommandOption("--sampling-steps <N>")]
    [Description("DDIM steps of each timed sampling loop (preset cases); 0 skips sampling.")]
    [DefaultValue(10)]
    public int SamplingSteps { get; init; } = 10;

    [CommandOption("--dtype <TYPE>")]
    [Description("A narrower float type, bfloat16 or float16, timed beside float32 in the same interleaved rounds: the training step (bfloat16 only, mixed precision as diffuse train --dtype), the forward pass, and the sampling loop (as diffuse sample --dtype); its speed-up over float32 and its share of its own peak are reported.")]
    [DefaultValue("float32")]
    public string DType { get; init; } = "float32";

    [CommandOption("--threads <N>")]
    [Description("Intra-op threads of libtorch (default: libtorch's own choice, one per core).")]
    public int? Threads { get; init; }

    [CommandOption("--out <FILE.json>")]
    [Description("Also write every figure (all repeats' median, min, max, CPU time) as JSON.")]
    public string? Out { get; init; }
}
