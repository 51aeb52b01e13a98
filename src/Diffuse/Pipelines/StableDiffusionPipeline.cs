using Diffuse.Folders;
using Diffuse.Folders.Original;
using Diffuse.Formats;
using Diffuse.Models;
using Diffuse.Schedules;
using Diffuse.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// Text-to-image with a latent diffusion model (Rombach et al. 2022), as diffusers' <c>StableDiffusionPipeline</c>
/// (pipeline_stable_diffusion.py, v0.31): the prompt through CLIP (<see cref="ClipTextEncoder"/>), the visible loop
/// over latents with a <see cref="UNet2DConditionModel"/> cross-attending to the prompt, classifier-free guidance
/// against the negative prompt (<c>guidance_scale</c> &gt; 1, default 7.5, with optional <c>guidance_rescale</c>), and
/// the <see cref="AutoencoderKL"/> decoding the latents. Image-to-image encodes the image first (SDEdit in latent space).
/// Without a VAE the same pipeline denoises pixels (a text-to-image model trained on small images); diffusers has no
/// class for that, so its folder's <c>model_index.json</c> names ours, <c>DiffusePixelTextToImagePipeline</c>, with the
/// same components but no <c>vae</c> (diffusers still loads each component with its own class).
/// </summary>
public sealed class StableDiffusionPipeline : DiffusionPipeline
{
    public const string DiffusersClassName = "StableDiffusionPipeline";
    public const string PixelClassName = "DiffusePixelTextToImagePipeline";
    public const string VaeFolder = "vae";

    /// <param name="vae">the autoencoder of a latent model, or null for a model that denoises pixels.</param>
    public StableDiffusionPipeline(UNet2DConditionModel unet, AutoencoderKL? vae, ClipTextEncoder textEncoder, SchedulerConfig scheduler,
                                   Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(unet, scheduler, device, dtype)
    {
        UNet = unet;
        Vae = vae;
        TextEncoder = textEncoder;
        var place = Device;
        if (Vae is not null && Vae.parameters().FirstOrDefault()?.device.type != place.type) Vae.to(place);
        if (TextEncoder.TextModel.parameters().FirstOrDefault()?.device.type != place.type) TextEncoder.TextModel.to(place);
        if (Vae is not null && unet.Config.OutChannels != Vae.Config.LatentChannels)
            throw new DiffuseException($"the UNet makes {unet.Config.OutChannels} channels but the VAE's latents have {Vae.Config.LatentChannels} (latent_channels)");
    }

    public UNet2DConditionModel UNet { get; }

    /// <summary>The autoencoder of a latent model; null when the UNet denoises pixels.</summary>
    public AutoencoderKL? Vae { get; }

    /// <summary>Pixels per latent along a side: the VAE's downscaling, or 1 without a VAE.</summary>
    public int ScaleFactor => Vae?.ScaleFactor ?? 1;

    public ClipTextEncoder TextEncoder { get; }

    public override string ClassName => Vae is null ? PixelClassName : DiffusersClassName;

    public override double DefaultGuidanceScale => 7.5;

    public override bool TakesText => true;

    public override bool TiledDecoding
    {
        get => Vae?.UseTiling ?? false;
        set
        {
            if (Vae is not null) Vae.UseTiling = value;
        }
    }

    public override bool TakesImageSize => true;

    /// <summary>The latent side the UNet was trained at (its <c>sample_size</c>).</summary>
    public int LatentSize => UNet.Config.SampleSize?.Values[0] ?? 64;

    /// <summary>The default image side in pixels: the latent side times the VAE's downscaling (SD 1.5: 64·8 = 512).</summary>
    public int DefaultImageSize => LatentSize * ScaleFactor;

    public override long[] SampleShape => [UNet.Config.OutChannels, LatentSize, LatentSize];

    public override long[] ImageShape => [Vae?.Config.OutChannels ?? UNet.Config.OutChannels, DefaultImageSize, DefaultImageSize];

    public override IReadOnlyList<(string Name, string Value)> Describe() =>
    [
        .. base.Describe(), .. (Vae?.Describe() ?? []).Select(r => ("vae " + r.Name, r.Value)),
        ("text encoder", $"CLIP, {TextEncoder.TextModel.Config.NumHiddenLayers} layers of {TextEncoder.TextModel.Config.HiddenSize}, {TextEncoder.TextModel.Config.HiddenAct}"),
        ("default size", $"{DefaultImageSize}×{DefaultImageSize} pixels"),
    ];

    protected override int DefaultCount(GenerationOptions options) => 1;

    /// <summary>As diffusers warns: a prompt longer than the tokenizer's model_max_length is cut, and the rest is ignored.</summary>
    public override IReadOnlyList<string> Warnings(GenerationOptions options)
    {
        var warnings = new List<string>();
        foreach (var (name, text) in new[] { ("prompt", options.Prompt), ("negative prompt", options.NegativePrompt) })
        {
            if (text is null) continue;
            var tokens = TextEncoder.Tokenizer.Encode(text);
            if (tokens.Truncated)
                warnings.Add($"the {name} is {tokens.TokensBeforeTruncation} tokens but CLIP reads {TextEncoder.Tokenizer.ModelMaxLength}: the rest is ignored");
        }
        return warnings;
    }

    public override long[] SampleShapeFor(GenerationOptions options)
    {
        int height = options.Height ?? DefaultImageSize, width = options.Width ?? DefaultImageSize;
        return [UNet.Config.OutChannels, height / ScaleFactor, width / ScaleFactor];
    }

    protected override long[] ImageShapeFor(GenerationOptions options, Tensor image) =>
        image.dim() == 4 && image.shape[2] % ScaleFactor == 0 && image.shape[3] % ScaleFactor == 0
            ? [Vae?.Config.InChannels ?? UNet.Config.InChannels, image.shape[2], image.shape[3]]
            : [Vae?.Config.InChannels ?? UNet.Config.InChannels, options.Height ?? DefaultImageSize, options.Width ?? DefaultImageSize];

    /// <summary>
    /// diffusers' <c>encode_prompt</c>: the prompt's embeddings for every sample; with guidance (scale &gt; 1) the negative
    /// prompt's (default "") as the unconditional half. diffusers v0.31 applies <c>clip_skip</c> to the prompt only.
    /// </summary>
    protected override SampleConditioning Condition(GenerationOptions options, int count, bool editing)
    {
        if (options.Classes is not null) throw new DiffuseArgumentException("classes", $"apply to class-conditional models only; a {ClassName} takes a prompt");
        var positive = Embed(options.Prompt ?? "", options.ClipSkip, count);
        if (!(GuidanceScaleOf(options) > 1)) return new SampleConditioning(positive, null);
        var negative = Embed(options.NegativePrompt ?? "", clipSkip: null, count);
        return new SampleConditioning(positive, negative);
    }

    Conditioning Embed(string prompt, int? clipSkip, int count)
    {
        using var embeddings = TextEncoder.Encode([prompt], clipSkip);
        var states = embeddings.Embeddings.repeat(count, 1, 1).to(Device).DetachFromDisposeScope();
        return new Conditioning { EncoderHiddenStates = states };
    }

    /// <summary>vae.decode(latents / scaling_factor (+ shift)): images in [−1, 1] (diffusers' postprocess maps them to [0, 1]).</summary>
    protected override Tensor DecodeSamples(Tensor samples) => OptionalVae.Decode(Vae, samples);

    /// <summary>The image's latent: a sample of the VAE's posterior, scaled (diffusers' img2img <c>prepare_latents</c>).</summary>
    protected override Tensor EncodeImages(Tensor images, Generator generator) => OptionalVae.Encode(Vae, images, generator);

    /// <summary>True for an inpainting UNet (SD inpainting checkpoints): 4 latent channels, the mask and the masked image's 4 latents as input.</summary>
    public bool IsInpaintingUNet => Vae is not null && UNet.Config.InChannels == 2 * Vae.Config.LatentChannels + 1;

    /// <summary>
    /// With an inpainting UNet, as diffusers' <c>StableDiffusionInpaintPipeline</c> (strength 1): the loop starts from
    /// noise and the network sees, beside the latents, the mask (1 where it generates) and the latents of the image with
    /// that region blanked, as an image condition. With an ordinary UNet, the latent-space replacement of the base class.
    /// <paramref name="mask"/> follows this library's convention: 1 keeps a pixel, 0 generates it.
    /// </summary>
    public override Tensor Inpaint(Tensor image, Tensor mask, GenerationOptions options, RePaintSchedule? rePaint = null,
                                   Action<DenoisingStep>? onStep = null, CancellationToken cancellationToken = default)
    {
        if (!IsInpaintingUNet || Vae is null) return base.Inpaint(image, mask, options, rePaint, onStep, cancellationToken);
        if (rePaint is not null) throw new DiffuseArgumentException("method", "RePaint needs an ordinary UNet; an inpainting UNet fills the region in one pass");
        CheckOptions(options);
        CheckImage(image, "image", options);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var scheduler = CreateScheduler(options);
        using var generator = new Generator().manual_seed(options.Seed);
        long batch = image.shape[0];
        var shape = new long[] { batch, Vae.Config.LatentChannels, image.shape[2] / Vae.ScaleFactor, image.shape[3] / Vae.ScaleFactor };
        // diffusers draws the starting noise first, then the masked image's posterior sample.
        var noise = randn(shape, generator: generator).to(Device);
        var keep = OnDevice(mask).to(float32);
        var generate = 1 - keep;                                            // diffusers' mask: 1 = repaint
        var masked = OnDevice(image).to(float32) * keep;                    // image * (mask < 0.5) in diffusers' terms
        using var posterior = Vae.Encode(masked);
        var maskedLatents = Vae.ScaleLatents(posterior.Sample(generator));
        var latentMask = nn.functional.interpolate(generate, size: [shape[2], shape[3]]).expand(batch, 1, shape[2], shape[3]);
        var extra = cat([latentMask, maskedLatents], 1);
        var conditioning = Condition(options, (int)batch, editing: true);
        var withImage = new SampleConditioning(conditioning.Conditional with { ImageCondition = extra },
                                               conditioning.Unconditional is { } u ? u with { ImageCondition = extra } : null);
        var denoiser = Guided(scheduler, withImage, options);
        using var latents = DenoisingLoop.Run(denoiser, scheduler, noise, options.Steps, generator, onStep: onStep, cancellationToken: cancellationToken);
        return ToCpu(DecodeSamples(latents)).MoveToOuterDisposeScope();
    }

    /// <summary>The pipeline of a diffusers folder whose unet/ and scheduler/ are already read (with vae/ unless it is a pixel-space one).</summary>
    internal static StableDiffusionPipeline FromFolder(PipelineFolderContents contents, Device? device, ScalarType dtype)
    {
        var folder = contents.Folder;
        bool pixels = contents.Index?.ClassName == PixelClassName;
        var className = pixels ? PixelClassName : DiffusersClassName;
        if (contents.Network is not UNet2DConditionModel unet)
            throw new DiffuseException($"{folder}: a {className} needs a UNet2DConditionModel, the folder holds a {contents.Network.GetType().Name}");
        var parts = pixels ? new[] { ClipTextEncoder.TokenizerFolder, ClipTextEncoder.TextEncoderFolder } : [VaeFolder, ClipTextEncoder.TokenizerFolder, ClipTextEncoder.TextEncoderFolder];
        foreach (var part in parts)
            if (!Directory.Exists(Path.Combine(folder, part))) throw new DiffuseException($"{folder}: a {className} folder needs {part}/, which is missing");
        var vae = pixels ? null : ModelFolder.Load(Path.Combine(folder, VaeFolder), device) as AutoencoderKL
                  ?? throw new DiffuseException($"{folder}: {VaeFolder}/ does not hold an AutoencoderKL");
        try
        {
            var text = ClipTextEncoder.Load(folder, device);
            try { return new StableDiffusionPipeline(unet, vae, text, contents.Scheduler, device, dtype); }
            catch
            {
                text.Dispose();
                throw;
            }
        }
        catch
        {
            vae?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The pipeline of an original single-file checkpoint (A1111, ComfyUI): the UNet, VAE and text encoder converted to
    /// diffusers' names (<see cref="OriginalCheckpoint"/>); their configs from what the shapes tell over
    /// <paramref name="configFolder"/>'s (a diffusers Stable Diffusion folder) or the standard SD 1.x/2.x ones; the
    /// scheduler and tokenizer from that folder, or the standard ones (the CLIP tokenizer is embedded in the library).
    /// </summary>
    public static StableDiffusionPipeline FromSingleFile(string path, string? configFolder = null, Device? device = null,
                                                         ScalarType dtype = ScalarType.Float32)
    {
        using var checkpoint = OriginalCheckpoint.Read(path, configFolder);
        var baseline = configFolder is null ? StandardConfigs.For(checkpoint.Family) : StandardConfigs.FromFolder(configFolder);
        var temp = Directory.CreateTempSubdirectory("diffuse-single-file-");
        var built = new List<IDisposable>();
        try
        {
            string Write(string name, System.Text.Json.Nodes.JsonObject config)
            {
                var file = Path.Combine(temp.FullName, name);
                File.WriteAllText(file, OriginalCheckpoint.ToJson(config));
                return file;
            }
            var unet = new UNet2DConditionModel(UNet2DConditionConfig.Parse(OriginalCheckpoint.ToJson(checkpoint.UNetConfig), $"{path} (UNet config)"));
            built.Add(unet);
            StateDictLoader.LoadInto(unet, checkpoint.UNet, path, checkpoint.Release);
            unet.eval();
            var vae = new AutoencoderKL(AutoencoderKLConfig.Load(Write("vae.json", checkpoint.VaeConfig)));
            built.Add(vae);
            StateDictLoader.LoadInto(vae, checkpoint.Vae, path, checkpoint.Release);
            vae.eval();
            var textModel = new ClipTextModel(ClipTextConfig.Load(Write("text_encoder.json", checkpoint.TextEncoderConfig)));
            built.Add(textModel);
            StateDictLoader.LoadInto(textModel, checkpoint.TextEncoder, path, checkpoint.Release);
            textModel.eval();
            var tokenizerFolder = configFolder is null ? null : Path.Combine(configFolder, ClipTextEncoder.TokenizerFolder);
            var tokenizer = tokenizerFolder is not null && Directory.Exists(tokenizerFolder)
                ? ClipTokenizer.Load(tokenizerFolder)
                : StandardClipTokenizer.Load(padWithExclamationMark: checkpoint.Family == StableDiffusionFamily.V2);
            var scheduler = SchedulerConfig.Load(Write("scheduler_config.json", baseline.Scheduler));
            var text = new ClipTextEncoder(tokenizer, textModel);
            return new StableDiffusionPipeline(unet, vae, text, scheduler, device, dtype);
        }
        catch (Exception e)
        {
            foreach (var part in built) part.Dispose();
            // A config error names the temporary file it was written to; name the checkpoint and the config's source instead.
            if (e is DiffuseException && e.Message.Contains(temp.FullName, StringComparison.Ordinal))
            {
                var source = configFolder is null ? $"the standard SD {(checkpoint.Family == StableDiffusionFamily.V1 ? "1.x" : "2.x")} settings (give the model's diffusers folder with --config)" : configFolder;
                var message = e.Message.Replace(temp.FullName + Path.DirectorySeparatorChar, "").Replace(".json:", " config:", StringComparison.Ordinal);
                throw new DiffuseException($"{path}: {message} (sizes from the file, the rest from {source})", e);
            }
            throw;
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Writes the folder diffusers' <c>save_pretrained</c> writes: <c>model_index.json</c> (the components as
    /// [library, class], the absent safety checker and feature extractor as [null, null]), <c>unet/</c>, <c>vae/</c>
    /// (none for a pixel-space model), <c>text_encoder/</c> (transformers' <c>config.json</c> and <c>model.safetensors</c>),
    /// <c>tokenizer/</c> and <c>scheduler/</c>.
    /// </summary>
    public override void Save(string folder)
    {
        PipelineFolder.Save(folder, ClassName, Settings, UNet, SchedulerConfig, ExtraComponents());
        if (Vae is not null) ModelFolder.Save(Path.Combine(folder, VaeFolder), Vae);
        TextEncoder.Save(folder);
    }

    IReadOnlyDictionary<string, (string, string)> ExtraComponents()
    {
        var components = new Dictionary<string, (string, string)>
        {
            [ClipTextEncoder.TextEncoderFolder] = ("transformers", "CLIPTextModel"),
            [ClipTextEncoder.TokenizerFolder] = ("transformers", "CLIPTokenizer"),
        };
        if (Vae is not null) components[VaeFolder] = ModelFolder.IndexEntry(Vae);
        return components;
    }

    protected override IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode> Settings => new Dictionary<string, System.Text.Json.Nodes.JsonNode>
    {
        ["feature_extractor"] = new System.Text.Json.Nodes.JsonArray(null, null),
        ["image_encoder"] = new System.Text.Json.Nodes.JsonArray(null, null),
        ["requires_safety_checker"] = false,
        ["safety_checker"] = new System.Text.Json.Nodes.JsonArray(null, null),
    };

    public override void Dispose()
    {
        Vae?.Dispose();
        TextEncoder.Dispose();
        base.Dispose();
    }
}
