using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class UpscaleSettings : CommandSettings
{
    [CommandOption("--model <DIR>")]
    [Description("A super-resolution model folder (from diffuse train --task superres). " + DefaultModel.SuperResolutionHelp)]
    public string? Model { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description(ModelOptions.DeviceHelp)]
    public string? Device { get; init; }

    [CommandOption("--image <FILE.png>")]
    [Description("The low-resolution image to upscale: the model's size divided by its scale (14×14 for a ×2 model of 28×28 images).")]
    public string? Image { get; init; }

    [CommandOption("--data <PATH>")]
    [Description("Instead of --image, evaluate on held-out images (an IDX file, an image folder or fashion-mnist): each is reduced, upscaled by the model and by bicubic, and both are scored by PSNR against it.")]
    public string? Data { get; init; }

    [CommandOption("--count <N>")]
    [Description("With --data: how many images to evaluate (the first N).")]
    [DefaultValue(200)]
    public int Count { get; init; } = 200;

    [CommandOption("--batch <N>")]
    [Description("With --data: images upscaled at once (bounds memory).")]
    [DefaultValue(50)]
    public int Batch { get; init; } = 50;

    [CommandOption("--sampler <NAME>")]
    [Description("Sampler, as for diffuse sample (default: the model folder's own).")]
    public string? Sampler { get; init; }

    [CommandOption("--steps <N>")]
    [Description("Denoising steps.")]
    [DefaultValue(50)]
    public int Steps { get; init; } = 50;

    [CommandOption("--seed <N>")]
    [Description("Seed of the sampling noise.")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--average <K>")]
    [Description("Draw K samples per image and write their mean (approaches the posterior mean, which maximises PSNR; K times slower).")]
    [DefaultValue(1)]
    public int Average { get; init; } = 1;

    [CommandOption("--out <FILE>")]
    [Description("With --image: the upscaled image (.png, default upscaled.png). With --data: the PSNR figures (.json, default upscale.json).")]
    public string? Out { get; init; }

    [CommandOption("--grid <FILE.png>")]
    [Description("With --data: where to write the grid of low-res | bicubic | model | original for the first 16 images (default: --out with .png instead of .json).")]
    public string? Grid { get; init; }
}
