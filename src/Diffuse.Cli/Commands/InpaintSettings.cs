using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class InpaintSettings : CommandSettings
{
    [CommandOption("--model <DIR>")]
    [Description("Model folder in diffusers' layout (an image model). " + DefaultModel.Help)]
    public string? Model { get; init; }

    [CommandOption("--image <FILE.png>")]
    [Description("The image to complete, at the model's size.")]
    public string? Image { get; init; }

    [CommandOption("--mask <FILE.png>")]
    [Description("Black and white, the image's size: white (255) pixels are kept from --image, black (0) ones are generated.")]
    public string? Mask { get; init; }

    [CommandOption("--method <NAME>")]
    [Description("replace: one pass, known region replaced by the noised image each step (Song et al. 2021); repaint: with resampling (Lugmayr et al. 2022), DDPM only.")]
    [DefaultValue("repaint")]
    public string Method { get; init; } = "repaint";

    [CommandOption("--class <K>")]
    [Description("Class-conditional models: the class to steer towards (default: none, the model's unconditional half, its null class).")]
    public string? Class { get; init; }

    [CommandOption("--guidance-scale <W>")]
    [Description("With --class: classifier-free guidance weight w, as for diffuse sample (0: the plain conditional model).")]
    public double? GuidanceScale { get; init; }

    [CommandOption("--sampler <NAME>")]
    [Description("For replace: ddpm, ddim, dpm++, euler or euler_a (default: the model folder's own). repaint always uses ddpm.")]
    public string? Sampler { get; init; }

    [CommandOption("--jump <N>")]
    [Description("RePaint: steps taken down before going back up (j).")]
    [DefaultValue(10)]
    public int Jump { get; init; } = 10;

    [CommandOption("--resample <N>")]
    [Description("RePaint: passes over each span of j steps (r; 1 means no resampling, the same as replace).")]
    [DefaultValue(10)]
    public int Resample { get; init; } = 10;

    [CommandOption("--steps <N>")]
    [Description("Denoising timesteps (RePaint runs steps × resample model calls).")]
    [DefaultValue(50)]
    public int Steps { get; init; } = 50;

    [CommandOption("--seed <N>")]
    [Description("Seed of the starting noise and of every later draw.")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--out <FILE.png>")]
    [Description("Where to write the completed image.")]
    [DefaultValue("inpaint.png")]
    public string Out { get; init; } = "inpaint.png";

    [CommandOption("--scale <N>")]
    [Description("Pixel magnification of the written image.")]
    [DefaultValue(1)]
    public int Scale { get; init; } = 1;
}
