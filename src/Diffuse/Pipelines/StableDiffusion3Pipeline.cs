using TorchSharp;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// Text-to-image with an MMDiT and rectified flow, as diffusers' <c>StableDiffusion3Pipeline</c> (v0.31) from given text
/// embeddings (<see cref="GenerationOptions.PromptEmbeddings"/>): SD3's own text encoders (two CLIPs and T5) are not
/// part of this library. The loop runs the flow sampler of the folder (FlowMatchEulerDiscreteScheduler), with
/// classifier-free guidance against the negative embeddings when guidance_scale &gt; 1 (default 7), μ from the token
/// count when the scheduler shifts dynamically, and the <see cref="AutoencoderKL"/> decoding the latents when the folder
/// has one (else the latents are the result).
/// </summary>
public sealed class StableDiffusion3Pipeline : DiffusionPipeline
{
    public const string DiffusersClassName = "StableDiffusion3Pipeline";

    public StableDiffusion3Pipeline(SD3Transformer2DModel transformer, SchedulerConfig scheduler, AutoencoderKL? vae = null,
                                    Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(transformer, scheduler, device, dtype)
    {
        Transformer = transformer;
        Vae = vae;
        if (Vae is not null && Vae.parameters().FirstOrDefault()?.device.type != Device.type) Vae.to(Device);
        if (vae is not null && vae.Config.LatentChannels != transformer.Config.Channels)
            throw new DiffuseException($"the transformer makes {transformer.Config.Channels} channels but the VAE's latents have {vae.Config.LatentChannels} (latent_channels)");
    }

    public SD3Transformer2DModel Transformer { get; }

    public AutoencoderKL? Vae { get; }

    public override string ClassName => DiffusersClassName;

    public override double DefaultGuidanceScale => 7.0;

    public override bool TakesPromptEmbeddings => true;

    protected override string NoPromptReason =>
        $"cannot be encoded here: a {ClassName} needs SD3's text encoders (two CLIPs and T5), which this library does not include; pass their output as prompt embeddings";

    public override bool TakesImageSize => true;

    int ScaleFactor => Vae?.ScaleFactor ?? 1;

    public override long[] SampleShape => [Transformer.Config.Channels, Transformer.Config.SampleSize, Transformer.Config.SampleSize];

    public override long[] ImageShape => Vae is null ? SampleShape
        : [Vae.Config.OutChannels, Transformer.Config.SampleSize * ScaleFactor, Transformer.Config.SampleSize * ScaleFactor];

    public override IReadOnlyList<(string Name, string Value)> Describe() =>
    [
        .. base.Describe(),
        ("text encoders", "not included: pass the embeddings of CLIP-L, CLIP-G and T5 (prompt_embeds, pooled_prompt_embeds)"),
        ("vae", Vae is null ? "none: the latents are the result" : "AutoencoderKL"),
    ];

    protected override int DefaultCount(GenerationOptions options) => (int?)options.PromptEmbeddings?.PromptEmbeds.shape[0] ?? 1;

    public override long[] SampleShapeFor(GenerationOptions options)
    {
        int height = options.Height ?? Transformer.Config.SampleSize * ScaleFactor, width = options.Width ?? Transformer.Config.SampleSize * ScaleFactor;
        return [Transformer.Config.Channels, height / ScaleFactor, width / ScaleFactor];
    }

    protected override long? ImageSequenceLength(GenerationOptions options)
    {
        var shape = SampleShapeFor(options);
        return (shape[1] / Transformer.Config.PatchSize) * (shape[2] / Transformer.Config.PatchSize);
    }

    /// <summary>The given embeddings, repeated to the batch when given once; the negative ones as the unconditional half.</summary>
    protected override SampleConditioning Condition(GenerationOptions options, int count, bool editing)
    {
        if (options.Classes is not null) throw new DiffuseArgumentException("classes", $"apply to class-conditional models only; a {ClassName} takes text embeddings");
        var given = options.PromptEmbeddings ?? throw new DiffuseArgumentException("prompt_embeds", $"are needed: a {ClassName} is conditioned on text embeddings");
        var positive = Embeddings(given.PromptEmbeds, given.PooledPromptEmbeds, count, "prompt_embeds");
        if (!(GuidanceScaleOf(options) > 1)) return new SampleConditioning(positive, null);
        if (given.NegativePromptEmbeds is not { } negative || given.NegativePooledPromptEmbeds is not { } negativePooled)
            throw new DiffuseArgumentException("prompt_embeds", "need negative_prompt_embeds and negative_pooled_prompt_embeds for guidance (guidance_scale > 1)");
        return new SampleConditioning(positive, Embeddings(negative, negativePooled, count, "negative_prompt_embeds"));
    }

    Conditioning Embeddings(Tensor states, Tensor pooled, int count, string name)
    {
        long batch = states.shape[0];
        if (batch != 1 && batch != count)
            throw new DiffuseArgumentException("prompt_embeds", $"{name} holds {batch} prompts for {count} samples (give 1 or {count})");
        int repeat = batch == 1 ? count : 1;
        return new Conditioning
        {
            EncoderHiddenStates = states.repeat(repeat, 1, 1).to(Device),
            PooledEmbeddings = pooled.repeat(repeat, 1).to(Device),
        };
    }

    protected override Tensor DecodeSamples(Tensor samples) => OptionalVae.Decode(Vae, samples);

    protected override Tensor EncodeImages(Tensor images, Generator generator) => OptionalVae.Encode(Vae, images, generator);

    public override void Dispose()
    {
        Vae?.Dispose();
        base.Dispose();
    }

    internal static StableDiffusion3Pipeline FromFolder(PipelineFolderContents contents, Device? device, ScalarType dtype)
    {
        if (contents.Network is not SD3Transformer2DModel transformer)
            throw new DiffuseException($"{contents.Folder}: a {DiffusersClassName} needs an SD3Transformer2DModel, the folder holds a {contents.Network.GetType().Name}");
        var vae = OptionalVae.Load(contents, device);
        try { return new StableDiffusion3Pipeline(transformer, contents.Scheduler, vae, device, dtype); }
        catch
        {
            vae?.Dispose();
            throw;
        }
    }
}
