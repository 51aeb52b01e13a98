using Diffuse.Cli.Commands;
using Spectre.Console.Cli;

namespace Diffuse.Cli;

/// <summary>The `diffuse` command tree; every user-facing failure ends as one line on stderr and exit code 1.</summary>
public static class DiffuseApp
{
    public static int Run(string[] args)
    {
        var app = new CommandApp();
        app.Configure(config => Configure(config, Console.Error));
        return app.Run(args);
    }

    /// <summary>
    /// The commands and how failures are reported, the same for the program and for tests that run it in-process
    /// (those pass their own console to Spectre and their own writer as <paramref name="errors"/>).
    /// </summary>
    public static void Configure(IConfigurator config, TextWriter errors)
    {
        config.SetApplicationName("diffuse");
        config.UseStrictParsing();
        config.AddCommand<TrainCommand>("train")
            .WithDescription("Train a diffusion model (default: the embedded Fashion-MNIST part).")
            .WithExample("train", "--steps", "2000")
            .WithExample("train", "--data", "moons", "--out", "runs/moons");
        config.AddCommand<SampleCommand>("sample")
            .WithDescription("Generate images from a model folder with DDPM or DDIM.")
            .WithExample("sample", "--model", "runs/fashion-mnist/model", "--sampler", "ddim", "--steps", "50", "--out", "grid.png");
        config.AddCommand<NoiseCommand>("noise")
            .WithDescription("Show one image along the forward (noising) process.");
        config.AddCommand<InfoCommand>("info")
            .WithDescription("Describe what a model folder holds.");
        config.AddCommand<ImageToImageCommand>("img2img")
            .WithDescription("Edit an image with the model: noise it part-way and denoise it (SDEdit).")
            .WithExample("img2img", "--model", "runs/fashion-mnist/model", "--image", "shoe.png", "--strength", "0.6", "--out", "edited.png");
        config.AddCommand<InpaintCommand>("inpaint")
            .WithDescription("Fill the black part of a mask with the model (replacement or RePaint).")
            .WithExample("inpaint", "--model", "runs/fashion-mnist/model", "--image", "shoe.png", "--mask", "left-half.png", "--method", "repaint", "--out", "filled.png");
        config.AddCommand<TrainClassifierCommand>("train-classifier")
            .WithDescription("Train the small classifier whose features diffuse eval compares (default: the embedded Fashion-MNIST part).")
            .WithExample("train-classifier", "--epochs", "5", "--out", "runs/classifier");
        config.AddCommand<EvalCommand>("eval")
            .WithDescription("Fréchet distance, KID and precision/recall of a model's samples against real images, in classifier or Inception features, with the real-vs-real floor.")
            .WithExample("eval", "--model", "runs/fashion-mnist/model", "--classifier", "runs/classifier", "--count", "1000")
            .WithExample("eval", "--model", "runs/fashion-mnist/model", "--features", "inception", "--inception-weights", "pt_inception-2015-12-05-6726825d.pth");
        config.AddCommand<InvertCommand>("invert")
            .WithDescription("DDIM inversion: the noise that DDIM (eta 0) turns back into an image.")
            .WithExample("invert", "--model", "runs/fashion-mnist/model", "--image", "shoe.png", "--steps", "50", "--out", "noise.safetensors");
        config.AddCommand<InterpolateCommand>("interpolate")
            .WithDescription("Invert two images and decode points on the great circle between their noises (a strip A | frames | B).")
            .WithExample("interpolate", "--model", "runs/fashion-mnist/model", "--from", "shoe.png", "--to", "shirt.png", "--frames", "8", "--out", "strip.png");
        config.AddCommand<UpscaleCommand>("upscale")
            .WithDescription("Super-resolution with a model from train --task superres: upscale one image, or score it against bicubic on held-out images (PSNR).")
            .WithExample("upscale", "--model", "runs/superres/model", "--image", "small.png", "--out", "large.png")
            .WithExample("upscale", "--model", "runs/superres/model", "--data", "t10k-images-idx3-ubyte.gz", "--count", "200", "--out", "compare.png");
        config.AddCommand<BenchCommand>("bench")
            .WithDescription("Training and sampling speed of the model presets and of the PyTorch reference UNets, with the share of the CPU's peak.")
            .WithExample("bench", "--quick")
            .WithExample("bench", "--presets", "default,pt-tiny", "--out", "bench.json");
        config.AddCommand<NllCommand>("nll")
            .WithDescription("Negative log-likelihood bound of a model on real data, in bits/dim (Ho et al. 2020, eq. 5).")
            .WithExample("nll", "--model", "runs/fashion-mnist/model", "--data", "t10k-images-idx3-ubyte.gz", "--count", "256");
        config.AddCommand<SweepCommand>("sweep")
            .WithDescription("Fréchet distance against sampling cost for several samplers and step counts, from the same noise.")
            .WithExample("sweep", "--model", "runs/fashion-mnist/model", "--classifier", "runs/classifier", "--rows", "ddim:10,dpm++:20");
        config.AddCommand<EvalPromptsCommand>("eval-prompts")
            .WithDescription("Prompt adherence of a text-to-image model on Fashion-MNIST in colour: garment, colour and both right, held-out and seen pairs apart, with the ceiling on real images and the Fréchet distance.")
            .WithExample("eval-prompts", "--model", "models/fashion-colours-t2i", "--classifier", "runs/classifier", "--real", "data/fashion-colours-test", "--out", "adherence.json");
        config.AddBranch("data", data =>
        {
            data.SetDescription("Write data sets the project makes itself.");
            data.AddCommand<FashionColoursCommand>("fashion-colours")
                .WithDescription("Fashion-MNIST tinted in 8 colours and captioned \"a {colour} {garment}\", 10 pairs held out, as an imagefolder with metadata.jsonl.")
                .WithExample("data", "fashion-colours", "--out", "data/fashion-colours");
        });
        config.AddCommand<ServeCommand>("serve")
            .WithDescription("The local web studio: generate, edit and inpaint on a page, and watch or start training (127.0.0.1 only unless --host).")
            .WithExample("serve", "--models", "models", "--runs", "runs");
        config.SetExceptionHandler((ex, _) =>
        {
            // Plain stderr, not the console renderer: the message must stay one line whatever the width.
            errors.WriteLine($"error: {OneLine(ex)}");
            return 1;
        });
    }

    /// <summary>
    /// The message a user sees: ours as written, a library argument named by its option (<see cref="OptionNames"/>),
    /// anything else reduced to its first line.
    /// </summary>
    public static string OneLine(Exception ex)
    {
        var inner = ex is DiffuseException ? ex : ex.InnerException as DiffuseException ?? ex;
        var text = inner is DiffuseArgumentException argument
            ? $"{OptionNames.For(argument.ParameterName)} {argument.Problem}"
            : inner.Message;
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length == 0 ? inner.GetType().Name : text;
    }
}
