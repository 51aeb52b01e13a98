namespace Diffuse.Benchmarks;

/// <summary>
/// The multiply-adds of one layer of a network for one input image. <paramref name="Name"/> is the
/// module's state-dict path (<c>down_blocks.0.resnets.0.conv1</c>); <paramref name="WeightCount"/> is
/// the number of elements of its weight (0 for the attention products, which have none), so the list
/// can be checked against the model's own modules.
/// </summary>
public sealed record LayerMacs(string Name, LayerKind Kind, long WeightCount, long Macs);
