using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>What adaLN-Zero gives a block: the modulated tokens for attention and the MLP's modulation (and, with dual attention, the second attention's input and gate).</summary>
public sealed record AdaLayerNormZeroOutput(Tensor Normed, Tensor GateMsa, Tensor ShiftMlp, Tensor ScaleMlp, Tensor GateMlp,
                                            Tensor? Normed2 = null, Tensor? GateMsa2 = null);
