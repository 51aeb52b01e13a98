using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>One batch of examples and, for labelled data, their class indices.</summary>
public sealed record TrainingBatch(Tensor Examples, Tensor? Labels)
{
    /// <summary>For captioned data: int64 [B, L] token ids of each example's caption.</summary>
    public Tensor? TokenIds { get; init; }

    /// <summary>For captioned data: int64 [L], the empty prompt's ids that caption dropout substitutes (not owned by the batch).</summary>
    public Tensor? EmptyPromptIds { get; init; }
}
