namespace Diffuse.Benchmarks;

/// <summary>What kind of product a <see cref="LayerMacs"/> counts.</summary>
public enum LayerKind
{
    /// <summary>A 2-D convolution: weight elements × output positions.</summary>
    Conv2d,

    /// <summary>A linear layer: weight elements × tokens.</summary>
    Linear,

    /// <summary>The two batched products of attention, QKᵀ and (softmax)·V: 2 × tokens² × channels.</summary>
    AttentionProducts,
}
