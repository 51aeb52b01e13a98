using System.Text.Json.Nodes;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// The front door, as diffusers' <c>DiffusionPipeline</c>: <see cref="Load"/> reads a folder's
/// <c>model_index.json</c> and returns the typed pipeline its <c>_class_name</c> names, holding the components
/// (the denoising network, the scheduler config); <see cref="Generate"/> is the visible loop with options, a
/// per-step callback and cancellation. What kind of model it is, is answered here once, by the pipeline's class.
/// </summary>
public abstract class DiffusionPipeline : IDisposable
{
    /// <param name="output">what the sampling loop sees of the network's prediction, when that is not all of it (DiT's learned Σ: <see cref="LearnedSigmaSplit"/>).</param>
    protected DiffusionPipeline(nn.Module network, SchedulerConfig schedulerConfig, Device? device = null, ScalarType dtype = ScalarType.Float32,
                                Func<IDenoiser, IDenoiser>? output = null)
    {
        if (network is not IDenoiser denoiser) throw new DiffuseException($"a {network.GetType().Name} is not a denoising network");
        Network = network;
        SchedulerConfig = schedulerConfig;
        // Without a device, the pipeline runs where the network already is.
        var current = network.parameters().FirstOrDefault()?.device ?? CPU;
        Device = device ?? current;
        if (current.type != Device.type || current.index != Device.index) Network.to(Device);
        DType = dtype;
        // The cast sits next to the network, so guidance mixes its two predictions in float32.
        Denoiser = dtype == ScalarType.Float32 ? denoiser : new ReducedPrecisionDenoiser(network, dtype);
        if (output is not null) Denoiser = output(Denoiser);
    }

    /// <summary>
    /// Loads the pipeline a folder holds (a pipeline folder, a training run's folder, or a bare model folder), or a
    /// Stable Diffusion single-file checkpoint.
    /// </summary>
    /// <param name="device">where the network runs (default: the CPU); see <see cref="Runtime.Devices.Parse"/>.</param>
    /// <param name="dtype">the float type the network runs in: float32, bfloat16 or float16 (diffusers' <c>torch_dtype</c>).</param>
    /// <param name="config">for a single-file checkpoint: a diffusers folder whose configs, scheduler and tokenizer fill in what the file does not hold.</param>
    public static DiffusionPipeline Load(string path, Device? device = null, ScalarType dtype = ScalarType.Float32, string? config = null)
    {
        // One file: an original-layout Stable Diffusion checkpoint (.safetensors, .ckpt), as A1111 and ComfyUI keep them.
        if (File.Exists(path)) return StableDiffusionPipeline.FromSingleFile(path, config, device, dtype);
        if (config is not null) throw new DiffuseArgumentException("config", "applies to single-file checkpoints only; a model folder has its own configs");
        return PipelineRegistry.Create(PipelineFolder.Read(path, device), device, dtype);
    }

    /// <summary>The denoising network (UNet2DModel, ToyMlp, ...), on <see cref="Device"/>.</summary>
    public nn.Module Network { get; }

    /// <summary>The network as the sampling loop calls it (in <see cref="DType"/> when that is not float32).</summary>
    public IDenoiser Denoiser { get; }

    public SchedulerConfig SchedulerConfig { get; }

    public Device Device { get; }

    public ScalarType DType { get; }

    /// <summary><c>model_index.json</c>'s <c>_class_name</c> for this pipeline.</summary>
    public abstract string ClassName { get; }

    /// <summary>One sample's shape: [C, H, W] for images, [D] for points.</summary>
    public abstract long[] SampleShape { get; }

    /// <summary>True for pipelines that make samples from noise alone (false for super-resolution, which needs an image).</summary>
    public virtual bool GeneratesFromNoise => true;

    /// <summary>The number of classes a class-conditional pipeline knows (0 … ClassCount − 1); null for the others.</summary>
    public virtual int? ClassCount => null;

    /// <summary>The images [C, H, W] the pipeline makes and edits: its samples, or a latent model's decoded size.</summary>
    public virtual long[] ImageShape => SampleShape;

    /// <summary>True when samples are images [C, H, W] (image-to-image and inpainting need that).</summary>
    public bool MakesImages => SampleShape.Length == 3;

    /// <summary>The pipeline's own settings, written into <c>model_index.json</c> beside the components.</summary>
    protected virtual IReadOnlyDictionary<string, JsonNode> Settings => new Dictionary<string, JsonNode>();

    /// <summary>Rows a person reads to know what the pipeline is (for <c>diffuse info</c>).</summary>
    public virtual IReadOnlyList<(string Name, string Value)> Describe() =>
        [("pipeline", ClassName), .. (Network as IDiffusersModel)?.Describe() ?? []];

    /// <summary>Samples from noise (Ho et al. 2020, Algorithm 2, with the chosen scheduler).</summary>
    public GenerationResult Generate(GenerationOptions options, Action<DenoisingStep>? onStep = null, CancellationToken cancellationToken = default)
    {
        CheckOptions(options);
        RefuseUnlessFromNoise("generate from noise");
        using var scheduler = CreateScheduler(options);
        using var generator = new Generator().manual_seed(options.Seed);
        int count = (int?)options.InitialNoise?.shape[0] ?? options.Count ?? DefaultCount(options);
        var conditioning = Condition(options, count, editing: false);
        using var noise = StartingNoise(options, count, generator);
        var denoiser = Guided(scheduler, conditioning, options);
        var samples = DenoisingLoop.Run(denoiser, scheduler, noise, options.Steps, generator, onStep: onStep, cancellationToken: cancellationToken);
        var decoded = DecodeSamples(samples);
        var latents = ReferenceEquals(decoded, samples) ? null : ToCpu(samples);
        return new GenerationResult(ToCpu(decoded), conditioning.Columns, scheduler.Config.ClassName ?? "", latents);
    }

    /// <summary>SDEdit (Meng et al. 2021): <paramref name="image"/> [B, C, H, W] in [−1, 1], noised to <paramref name="strength"/> and denoised.</summary>
    public Tensor ImageToImage(Tensor image, double strength, GenerationOptions options, Action<DenoisingStep>? onStep = null,
                               CancellationToken cancellationToken = default)
    {
        CheckOptions(options);
        RefuseUnlessFromNoise("edit images");
        CheckImage(image, "image", options);
        using var scheduler = CreateScheduler(options);
        using var generator = new Generator().manual_seed(options.Seed);
        var denoiser = Guided(scheduler, Condition(options, (int)image.shape[0], editing: true), options);
        using var onDevice = OnDevice(image);
        // A latent model encodes the image first (drawing from the generator, as diffusers' img2img does before its noise).
        using var start = EncodeImages(onDevice, generator);
        var edited = Pipelines.ImageToImage.Run(denoiser, scheduler, start, strength, options.Steps, generator, onStep: onStep,
                                                cancellationToken: cancellationToken);
        var decoded = DecodeSamples(edited);
        if (!ReferenceEquals(decoded, edited)) edited.Dispose();
        return ToCpu(decoded);
    }

    /// <summary>
    /// Fills the pixels where <paramref name="mask"/> is 0 and keeps those where it is 1 (RePaint's convention): by
    /// replacement with any sampler that can start part-way, or by RePaint's resampling (DDPM) when
    /// <paramref name="rePaint"/> is given.
    /// </summary>
    public virtual Tensor Inpaint(Tensor image, Tensor mask, GenerationOptions options, RePaintSchedule? rePaint = null,
                          Action<DenoisingStep>? onStep = null, CancellationToken cancellationToken = default)
    {
        CheckOptions(options);
        RefuseUnlessFromNoise("inpaint");
        CheckImage(image, "image", options);
        if (rePaint is not null && options.Scheduler is { } name && !SchedulerRegistry.Create(name, SchedulerConfig).Config.ClassName!.Equals(DdpmScheduler.DiffusersClassName))
            throw new DiffuseArgumentException("scheduler", $"RePaint resamples with DDPM (got {name}); use replacement for other samplers");
        using var scheduler = rePaint is null ? CreateScheduler(options) : CreateScheduler(options with { Scheduler = "ddpm" });
        using var generator = new Generator().manual_seed(options.Seed);
        var denoiser = Guided(scheduler, Condition(options, (int)image.shape[0], editing: true), options);
        using var onDevice = OnDevice(image);
        using var maskOnDevice = OnDevice(mask);
        // A latent model fills in its latent space: the image encoded, the mask brought to the latents' size (as
        // diffusers' inpaint pipeline does for a UNet without mask channels), the result decoded.
        using var start = EncodeImages(onDevice, generator);
        using var startMask = MaskFor(maskOnDevice, start);
        var filled = rePaint is null
            ? Inpainting.Replace(denoiser, scheduler, start, startMask, options.Steps, generator, onStep: onStep, cancellationToken: cancellationToken)
            : Inpainting.RePaint(denoiser, (DdpmScheduler)scheduler, start, startMask, options.Steps, rePaint.Jump, rePaint.Resample,
                                 generator, onStep: onStep, cancellationToken: cancellationToken);
        var decoded = DecodeSamples(filled);
        if (!ReferenceEquals(decoded, filled)) filled.Dispose();
        return ToCpu(decoded);
    }

    /// <summary>The keep/generate mask at the size of the samples the loop works on (a latent model's is smaller).</summary>
    protected virtual Tensor MaskFor(Tensor mask, Tensor samples) =>
        mask.shape[2] == samples.shape[2] && mask.shape[3] == samples.shape[3]
            ? mask.alias()
            : nn.functional.interpolate(mask, size: [samples.shape[2], samples.shape[3]], mode: InterpolationMode.Nearest);

    /// <summary>
    /// The denoiser a loop of <paramref name="count"/> samples calls for these options: conditioned, and guided when
    /// the options ask for it. For editing (image-to-image, inpainting, inversion) a class-conditional model takes
    /// one class or none (its unconditional mode).
    /// </summary>
    public IDenoiser DenoiserFor(GenerationOptions options, int count, bool editing) =>
        Condition(options, count, editing).Apply(Denoiser, GuidanceScaleOf(options), options.GuidanceRescale);

    /// <summary>The guidance scale used when the options give none: 1 (no guidance), or the pipeline's own (Stable Diffusion: 7.5).</summary>
    public virtual double DefaultGuidanceScale => 1;

    /// <summary>The guidance scale these options ask for, or the pipeline's default.</summary>
    public double GuidanceScaleOf(GenerationOptions options) => options.GuidanceScale ?? DefaultGuidanceScale;

    /// <summary>What a user should know about these options before the run (a prompt cut to the text encoder's length, ...).</summary>
    public virtual IReadOnlyList<string> Warnings(GenerationOptions options) => [];

    /// <summary>A latent model decodes large images in overlapping tiles (diffusers' <c>enable_tiling</c>), to bound memory; others have nothing to tile.</summary>
    public virtual bool TiledDecoding
    {
        get => false;
        set { if (value) throw new DiffuseArgumentException("tiled_decoding", $"applies to latent models only; a {ClassName} has no decoder"); }
    }

    /// <summary>True for pipelines conditioned on text (a prompt and a negative prompt).</summary>
    public virtual bool TakesText => false;

    /// <summary>True for pipelines whose image size is chosen per call (height and width).</summary>
    public virtual bool TakesImageSize => false;

    /// <summary>
    /// The scheduler the options name (or the folder's own), with η set when asked for, and x̂₀ clipping off with
    /// <see cref="GenerationOptions.NoClip"/>.
    /// </summary>
    public IScheduler CreateScheduler(GenerationOptions options)
    {
        var config = options.NoClip ? DdimInversion.Unclipped(SchedulerConfig) : SchedulerConfig;
        var scheduler = SchedulerRegistry.Create(options.Scheduler ?? SchedulerConfig.ClassName ?? DdpmScheduler.DiffusersClassName, config);
        if (options.Eta is double eta)
        {
            if (scheduler is not IStochasticScheduler stochastic)
            {
                var chosen = scheduler.Config.ClassName;
                scheduler.Dispose();
                throw new DiffuseArgumentException("eta", $"applies to the ddim and euler_a schedulers only (this one is {chosen})");
            }
            stochastic.Eta = eta;
        }
        // Dynamic shifting (SD3.5, Flux): μ from the image's token count, as their pipelines compute it.
        if (scheduler is FlowMatchEulerDiscreteScheduler { DynamicShifting: true } flow) flow.ImageSequenceLength = ImageSequenceLength(options);
        return scheduler;
    }

    /// <summary>The image's token count for a transformer (patches), which dynamic shifting needs; null for others.</summary>
    protected virtual long? ImageSequenceLength(GenerationOptions options) => null;

    /// <summary>Why a prompt is refused by a pipeline that does not take text.</summary>
    protected virtual string NoPromptReason => $"does not apply: this {ClassName} is not conditioned on text";

    /// <summary>True for pipelines that take text embeddings given by the caller (<see cref="GenerationOptions.PromptEmbeddings"/>).</summary>
    public virtual bool TakesPromptEmbeddings => false;

    /// <summary>Writes the pipeline in diffusers' layout (files written atomically; see <see cref="Formats.FolderSwap"/> for a whole-folder swap).</summary>
    public virtual void Save(string folder) => PipelineFolder.Save(folder, ClassName, Settings, Network, SchedulerConfig);

    /// <summary>Samples per call when the options give no count.</summary>
    protected virtual int DefaultCount(GenerationOptions options) => 64;

    /// <summary>The conditioning of <paramref name="count"/> samples. An unconditional pipeline refuses classes and guidance.</summary>
    protected virtual SampleConditioning Condition(GenerationOptions options, int count, bool editing)
    {
        if (options.Classes is not null) throw new DiffuseArgumentException("classes", $"applies to class-conditional models only; this {ClassName} has no classes");
        if (GuidanceScaleOf(options) != 1) throw new DiffuseArgumentException("guidance_scale", $"needs a conditional model; this {ClassName} is unconditional");
        return SampleConditioning.None;
    }

    /// <summary>One sample's shape for these options: <see cref="SampleShape"/>, or a latent shape from the height and width asked for.</summary>
    public virtual long[] SampleShapeFor(GenerationOptions options) => SampleShape;

    /// <summary>A latent model's decoder: images in [−1, 1] from the sampled latents (a new tensor; the latents stay the caller's). Others return them as they are.</summary>
    protected virtual Tensor DecodeSamples(Tensor samples) => samples;

    /// <summary>A latent model's encoder: images in [−1, 1] to the latents its loop works in (a new tensor). Others return a copy.</summary>
    protected virtual Tensor EncodeImages(Tensor images, Generator generator) => images.alias();

    /// <summary>Validates the options and refuses those this pipeline has no use for (a prompt for a class model, a size for a fixed one).</summary>
    protected void CheckOptions(GenerationOptions options)
    {
        options.Validate();
        if (!TakesText && (options.Prompt ?? options.NegativePrompt) is not null)
            throw new DiffuseArgumentException(options.Prompt is not null ? "prompt" : "negative_prompt", NoPromptReason);
        if (!TakesPromptEmbeddings && options.PromptEmbeddings is not null)
            throw new DiffuseArgumentException("prompt_embeds", $"does not apply: this {ClassName} takes no text embeddings");
        if (!TakesText && options.ClipSkip is not null) throw new DiffuseArgumentException("clip_skip", $"does not apply: this {ClassName} has no text encoder");
        if (!TakesImageSize && (options.Height ?? options.Width) is not null)
            throw new DiffuseArgumentException(options.Height is not null ? "height" : "width", $"does not apply: this {ClassName} makes {string.Join("×", SampleShape.Skip(1))} samples");
    }

    protected void RefuseUnlessFromNoise(string what)
    {
        if (!GeneratesFromNoise) throw new DiffuseException($"a {ClassName} cannot {what}: it needs an image to start from");
    }

    protected IDenoiser Guided(IScheduler scheduler, SampleConditioning conditioning, GenerationOptions options)
    {
        var denoiser = conditioning.Apply(Denoiser, GuidanceScaleOf(options), options.GuidanceRescale);
        // Guided ε̂ overshoots; with x̂₀ clipped, DDIM must re-derive ε̂ from the clipped x̂₀ (GLIDE's choice, diffusers'
        // use_clipped_model_output) or x_t drifts off the data (docs/control.md). Without clipping there is nothing to
        // re-derive, and diffusers' pipelines leave it off.
        bool clips = scheduler.Config.ClipSample || scheduler.Config.Thresholding;
        if (clips && denoiser is ClassifierFreeGuidance { IsGuided: true } && scheduler is IClippedModelOutputScheduler clipped)
            clipped.UseClippedModelOutput = true;
        return denoiser;
    }

    Tensor StartingNoise(GenerationOptions options, int count, Generator generator)
    {
        var shape = SampleShapeFor(options);
        if (options.InitialNoise is not { } given)
            return randn([count, .. shape], generator: generator).to(Device);
        if (!given.shape.Skip(1).SequenceEqual(shape))
            throw new DiffuseArgumentException("initial_noise", $"is [{string.Join(", ", given.shape)}] but this model's samples are [N, {string.Join(", ", shape)}]");
        return OnDevice(given.to(float32));
    }

    protected void CheckImage(Tensor image, string name, GenerationOptions options)
    {
        if (!MakesImages) throw new DiffuseArgumentException(name, $"cannot be used: this {ClassName} makes {SampleShape.Length}-D points, not images");
        var shape = ImageShapeFor(options, image);
        if (image.dim() != 4 || !image.shape.Skip(1).SequenceEqual(shape))
            throw new DiffuseArgumentException(name, $"is [{string.Join(", ", image.shape)}] but this model makes [N, {string.Join(", ", shape)}] images");
    }

    /// <summary>The image shape [C, H, W] an edit takes: the sample shape, or for a latent model the image's own size when it suits.</summary>
    protected virtual long[] ImageShapeFor(GenerationOptions options, Tensor image) => SampleShape;

    /// <summary>A new handle on <paramref name="input"/> moved to <see cref="Device"/>, never the caller's own (the caller keeps and disposes that).</summary>
    protected Tensor OnDevice(Tensor input)
    {
        var moved = input.to(Device);
        return ReferenceEquals(moved, input) ? input.alias() : moved;
    }

    /// <summary>Takes over <paramref name="samples"/>: float32 on the CPU, the one form results leave a pipeline in.</summary>
    protected static Tensor ToCpu(Tensor samples)
    {
        if (samples.device.type == DeviceType.CPU && samples.dtype == float32) return samples;
        var moved = samples.to(float32).cpu();
        samples.Dispose();
        return moved;
    }

    public virtual void Dispose()
    {
        Network.Dispose();
        GC.SuppressFinalize(this);
    }
}
