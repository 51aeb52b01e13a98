using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// What the sampling loop reports after each step: where it is, the new sample x_{t_prev} and the
/// model's current guess of x₀. The tensors are valid only during the callback.
/// </summary>
public sealed record DenoisingStep(int Index, int Count, double Timestep, Tensor Sample, Tensor PredictedOriginal);
