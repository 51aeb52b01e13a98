using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

/// <summary>The options diffuse img2img and diffuse inpaint share: the model, its class and guidance, the seed and the output's magnification.</summary>
public abstract class ImageEditSettings : CommandSettings
{
    [CommandOption("--model <DIR>")]
    [Description("Model folder in diffusers' layout (an image model). " + DefaultModel.Help)]
    public string? Model { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description(ModelOptions.DeviceHelp)]
    public string? Device { get; init; }

    [CommandOption("--prompt <TEXT>")]
    [Description("Text-to-image models (Stable Diffusion): what to draw (prompts past CLIP's 77 tokens are cut, with a warning).")]
    public string? Prompt { get; init; }

    [CommandOption("--negative-prompt <TEXT>")]
    [Description("Text-to-image models: what guidance steers away from (default: the empty prompt).")]
    public string? NegativePrompt { get; init; }

    [CommandOption("--config <DIR>")]
    [Description("With a single-file checkpoint as --model: a diffusers Stable Diffusion folder whose configs, scheduler and tokenizer fill in what the file does not hold (default: the standard SD 1.x/2.x settings).")]
    public string? Config { get; init; }

    [CommandOption("--class <LIST>")]
    [Description("Class-conditional models: the class to steer towards, a list of one (default: none, the model's unconditional half, its null class).")]
    public string? Class { get; init; }

    [CommandOption("--guidance-scale <S>")]
    [Description("With --class: diffusers' guidance_scale, as for diffuse sample (1, the default: the plain conditional model).")]
    public double? GuidanceScale { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the starting or added noise and of every later draw.")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--scale <N>")]
    [Description("Pixel magnification of the written image.")]
    [DefaultValue(1)]
    public int Scale { get; init; } = 1;
}
