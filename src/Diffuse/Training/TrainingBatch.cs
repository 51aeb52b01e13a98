using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>One batch of examples and, for labelled data, their class indices.</summary>
public sealed record TrainingBatch(Tensor Examples, Tensor? Labels);
