using Diffuse.Folders;
using Diffuse.Models;
using TorchSharp;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// Class-conditional generation with a Diffusion Transformer, as diffusers' <c>DiTPipeline</c> (pipeline_dit.py, v0.31):
/// one sample a class asked for (rows of samples per class), classifier-free guidance against the null class K =
/// <c>num_embeds_ada_norm</c> (diffusers hard-codes 1000, the same for ImageNet's 1000 classes), on ε only when the model
/// also predicts its variance (the learned-Σ half is dropped before the sampler step). Pixel-space models (no VAE) are
/// sampled directly; with a <c>vae/</c> the latents are decoded (latents / scaling_factor), as diffusers does.
/// </summary>
public sealed class DiTPipeline : DiffusionPipeline
{
    public const string DiffusersClassName = "DiTPipeline";

    /// <summary><c>model_index.json</c>'s flag of a DiT trained here without labels: it knows only its null class.</summary>
    public const string UnconditionalKey = "unconditional";

    /// <param name="unconditional">a DiT trained without class labels (here): it samples its null class and takes no classes or guidance.</param>
    public DiTPipeline(DiTTransformer2DModel transformer, SchedulerConfig scheduler, Device? device = null, ScalarType dtype = ScalarType.Float32,
                       bool unconditional = false, AutoencoderKL? vae = null)
        : base(transformer, scheduler, device, dtype,
               output: transformer.Config.LearnedSigma ? d => new LearnedSigmaSplit(d, transformer.Config.InChannels) : null)
    {
        Transformer = transformer;
        Unconditional = unconditional;
        Vae = vae;
        if (vae is not null && vae.parameters().FirstOrDefault()?.device.type != Device.type) vae.to(Device);
    }

    /// <summary>The latents' decoder, or null for a pixel-space model.</summary>
    public AutoencoderKL? Vae { get; }

    public override long[] ImageShape => Vae is null ? SampleShape
        : [Vae.Config.OutChannels, Transformer.Config.SampleSize * Vae.ScaleFactor, Transformer.Config.SampleSize * Vae.ScaleFactor];

    protected override Tensor DecodeSamples(Tensor samples) => OptionalVae.Decode(Vae, samples);

    protected override Tensor EncodeImages(Tensor images, Generator generator) => OptionalVae.Encode(Vae, images, generator);

    public override void Dispose()
    {
        Vae?.Dispose();
        base.Dispose();
    }

    internal static DiTPipeline FromFolder(PipelineFolderContents contents, Device? device, ScalarType dtype)
    {
        if (contents.Network is not DiTTransformer2DModel transformer)
            throw new DiffuseException($"{contents.Folder}: a {DiffusersClassName} needs a DiTTransformer2DModel, the folder holds a {contents.Network.GetType().Name}");
        bool unconditional = contents.Index?.Settings.TryGetValue(UnconditionalKey, out var flag) == true && flag.GetValue<bool>();
        var vae = OptionalVae.Load(contents, device);
        try { return new DiTPipeline(transformer, contents.Scheduler, device, dtype, unconditional, vae); }
        catch
        {
            vae?.Dispose();
            throw;
        }
    }

    public bool Unconditional { get; }

    protected override IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode> Settings =>
        Unconditional ? new Dictionary<string, System.Text.Json.Nodes.JsonNode> { [UnconditionalKey] = true } : new Dictionary<string, System.Text.Json.Nodes.JsonNode>();

    public DiTTransformer2DModel Transformer { get; }

    /// <summary>The real classes 0 … K − 1.</summary>
    public int NumClasses => Transformer.NullClass;

    public override int? ClassCount => Unconditional ? null : NumClasses;

    public override string ClassName => DiffusersClassName;

    public override long[] SampleShape => [Transformer.Config.InChannels, Transformer.Config.SampleSize, Transformer.Config.SampleSize];

    public override IReadOnlyList<(string Name, string Value)> Describe() => [.. base.Describe(), ("guidance", "on the first in_channels channels (ε)")];

    /// <summary>Eight a class row; every class when there are at most ten, else ask for classes.</summary>
    protected override int DefaultCount(GenerationOptions options) => Unconditional ? 64 :
        (options.Classes?.Count ?? (NumClasses <= 10 ? NumClasses
            : throw new DiffuseArgumentException("classes", $"are needed: this model has {NumClasses} classes; name the ones to draw"))) * ClassConditionalPipeline.PerRow;

    protected override SampleConditioning Condition(GenerationOptions options, int count, bool editing)
    {
        if (!Unconditional) return ClassRows.Condition(options, count, editing, NumClasses, Transformer.NullClass, GuidanceScaleOf(options), Device);
        var none = base.Condition(options, count, editing);
        return none with { Conditional = new Models.Conditioning { ClassLabels = full([count], (long)Transformer.NullClass, dtype: int64).to(Device) } };
    }

    protected override long? ImageSequenceLength(GenerationOptions options) =>
        (long)(SampleShape[1] / Transformer.Config.PatchSize) * (SampleShape[2] / Transformer.Config.PatchSize);
}
