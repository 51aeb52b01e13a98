using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// Everything a denoiser is conditioned on besides x_t and t, as one record that travels from a pipeline through
/// guidance to the network: class labels, text encoder states with their attention mask, pooled text embeddings,
/// and an image concatenated to the sample along the channels (SR3's upsampled low-resolution image, Saharia et al.
/// 2021 §2; the mask and masked latents of an inpainting UNet). Every tensor is batch-first, one entry per sample.
/// Guidance never looks inside: it concatenates a conditional and an unconditional record (<see cref="Concat"/>).
/// The record does not own its tensors.
/// </summary>
public sealed record Conditioning
{
    /// <summary>No conditioning: an unconditional model.</summary>
    public static Conditioning None { get; } = new();

    /// <summary>int64 [B]: one class index per sample.</summary>
    public Tensor? ClassLabels { get; init; }

    /// <summary>[B, L, D]: the text encoder's hidden states that cross-attention reads (diffusers' <c>encoder_hidden_states</c>).</summary>
    public Tensor? EncoderHiddenStates { get; init; }

    /// <summary>[B, L]: 1 for a token to attend to, 0 for padding (diffusers' <c>encoder_attention_mask</c>).</summary>
    public Tensor? EncoderAttentionMask { get; init; }

    /// <summary>[B, D]: pooled text embeddings (SD3's and SDXL's <c>pooled_projections</c>).</summary>
    public Tensor? PooledEmbeddings { get; init; }

    /// <summary>[B, C', H, W]: concatenated to the sample along the channels before the network sees it.</summary>
    public Tensor? ImageCondition { get; init; }

    public bool IsEmpty => Tensors().All(t => t.Value is null);

    /// <summary>The batch size the conditioning is for, or null when it holds nothing.</summary>
    public long? BatchSize => Tensors().Select(t => t.Value).FirstOrDefault(t => t is not null)?.shape[0];

    /// <summary>
    /// This record's samples followed by <paramref name="other"/>'s, field by field (torch.cat on dim 0): the batch of
    /// twice the size that classifier-free guidance runs in one pass. Both must hold the same fields.
    /// </summary>
    public Conditioning Concat(Conditioning other)
    {
        Tensor? Join(string name, Tensor? a, Tensor? b) => (a, b) switch
        {
            (null, null) => null,
            ({ } x, { } y) => cat([x, y.to(x.dtype)], 0),
            _ => throw new DiffuseException($"conditioning: {name} is given for one half of the batch and not the other"),
        };
        return new Conditioning
        {
            ClassLabels = Join(nameof(ClassLabels), ClassLabels, other.ClassLabels),
            EncoderHiddenStates = Join(nameof(EncoderHiddenStates), EncoderHiddenStates, other.EncoderHiddenStates),
            EncoderAttentionMask = Join(nameof(EncoderAttentionMask), EncoderAttentionMask, other.EncoderAttentionMask),
            PooledEmbeddings = Join(nameof(PooledEmbeddings), PooledEmbeddings, other.PooledEmbeddings),
            ImageCondition = Join(nameof(ImageCondition), ImageCondition, other.ImageCondition),
        };
    }

    /// <summary>Every tensor moved to <paramref name="device"/> (new handles where a move happened).</summary>
    public Conditioning To(Device device) => new()
    {
        ClassLabels = ClassLabels?.to(device),
        EncoderHiddenStates = EncoderHiddenStates?.to(device),
        EncoderAttentionMask = EncoderAttentionMask?.to(device),
        PooledEmbeddings = PooledEmbeddings?.to(device),
        ImageCondition = ImageCondition?.to(device),
    };

    /// <summary>Refuses fields a network cannot use, naming them, instead of silently ignoring them.</summary>
    public void OnlyUses(string network, params string[] supported)
    {
        foreach (var (name, value) in Tensors())
            if (value is not null && !supported.Contains(name))
                throw new DiffuseException($"{network} takes no {name} (it is conditioned on {(supported.Length == 0 ? "nothing" : string.Join(", ", supported))})");
    }

    /// <summary>Checks that every tensor holds one entry per sample of a batch of <paramref name="batch"/>.</summary>
    public void CheckBatch(long batch)
    {
        foreach (var (name, value) in Tensors())
            if (value is not null && value.shape[0] != batch)
                throw new DiffuseException($"conditioning: {name} has {value.shape[0]} entries for a batch of {batch} samples");
    }

    IEnumerable<(string Name, Tensor? Value)> Tensors() =>
    [
        (nameof(ClassLabels), ClassLabels), (nameof(EncoderHiddenStates), EncoderHiddenStates),
        (nameof(EncoderAttentionMask), EncoderAttentionMask), (nameof(PooledEmbeddings), PooledEmbeddings),
        (nameof(ImageCondition), ImageCondition),
    ];
}
