using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// What one <see cref="DiffusionPipeline.Generate"/> call is asked for, in diffusers' terms. Every field has a
/// sensible default: 50 steps of the folder's own scheduler, seed 0, no guidance.
/// </summary>
public sealed record GenerationOptions
{
    /// <summary>Denoising steps (diffusers' <c>num_inference_steps</c>).</summary>
    public int Steps { get; init; } = 50;

    /// <summary>A scheduler alias (ddim, dpm++, euler, ...) or diffusers class name; null: the folder's own.</summary>
    public string? Scheduler { get; init; }

    /// <summary>Samples to make; null: the pipeline's default (8 a class row, 64 otherwise), or the batch of <see cref="InitialNoise"/>.</summary>
    public int? Count { get; init; }

    /// <summary>Seed of the starting noise and of the sampler's noise.</summary>
    public long Seed { get; init; }

    /// <summary>η of DDIM (0 by default) or Euler ancestral (1 by default); null: the sampler's default.</summary>
    public double? Eta { get; init; }

    /// <summary>diffusers' <c>guidance_scale</c> s: ε̂ = ε(∅) + s·(ε(c) − ε(∅)); 1 is no guidance; null: the pipeline's default (1; Stable Diffusion 7.5).</summary>
    public double? GuidanceScale { get; init; }

    /// <summary>diffusers' <c>guidance_rescale</c> φ (Lin et al. 2023): 0, off, by default.</summary>
    public double GuidanceRescale { get; init; }

    /// <summary>Text-conditioned pipelines: what to draw.</summary>
    public string? Prompt { get; init; }

    /// <summary>Text-conditioned pipelines: what guidance steers away from (diffusers' <c>negative_prompt</c>; default the empty prompt).</summary>
    public string? NegativePrompt { get; init; }

    /// <summary>Pipelines without their own text encoders (SD3 here): the prompt's embeddings as the encoders would give them.</summary>
    public TextEmbeddings? PromptEmbeddings { get; init; }

    /// <summary>Text-conditioned pipelines: layers of the text encoder skipped from the end (diffusers' <c>clip_skip</c>).</summary>
    public int? ClipSkip { get; init; }

    /// <summary>Latent pipelines: the image size in pixels (multiples of 8); null: the model's own.</summary>
    public int? Height { get; init; }

    /// <inheritdoc cref="Height"/>
    public int? Width { get; init; }

    /// <summary>
    /// Class-conditional pipelines: the class of each row of samples (the samples are split evenly between them, in
    /// order); null: every class, one a row. For editing (image-to-image, inpainting) one class or none (the model's
    /// unconditional mode).
    /// </summary>
    public IReadOnlyList<int>? Classes { get; init; }

    /// <summary>Start from this noise ([N, …] of the sample shape) instead of seeded noise; its batch sets the count.</summary>
    public Tensor? InitialNoise { get; init; }

    /// <summary>Turn off the clipping (or thresholding) of x̂₀ that the scheduler config asks for (to decode inverted noise).</summary>
    public bool NoClip { get; init; }

    public void Validate()
    {
        if (Steps <= 0) throw new DiffuseArgumentException("steps", $"must be positive (got {Steps})");
        if (Count is <= 0) throw new DiffuseArgumentException("count", $"must be positive (got {Count})");
        if (Eta is double eta && !(eta >= 0 && double.IsFinite(eta))) throw new DiffuseArgumentException("eta", $"must be 0 or more (got {eta})");
        if (GuidanceScale is double scale) GuidanceChecks.Scale(scale);
        if (!(GuidanceRescale >= 0 && GuidanceRescale <= 1)) throw new DiffuseArgumentException("guidance_rescale", $"must lie in [0, 1] (got {GuidanceRescale})");
        if (ClipSkip is < 0) throw new DiffuseArgumentException("clip_skip", $"must be 0 or more (got {ClipSkip})");
        if (Height is int h && (h <= 0 || h % 8 != 0)) throw new DiffuseArgumentException("height", $"must be a positive multiple of 8 (got {h})");
        if (Width is int w && (w <= 0 || w % 8 != 0)) throw new DiffuseArgumentException("width", $"must be a positive multiple of 8 (got {w})");
        if (InitialNoise is not null && Count is int count && count != InitialNoise.shape[0])
            throw new DiffuseArgumentException("count", $"is {count} but the initial noise holds {InitialNoise.shape[0]} samples (leave the count out to follow the noise)");
    }
}
