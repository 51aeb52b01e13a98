using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// What the sampling loop reports after each step: where it is, the new sample x_{t_prev}, the
/// model's current guess of x₀ and (from the visible loop) the sample x_t the step started from. The tensors are
/// valid only during the callback.
/// </summary>
public sealed record DenoisingStep(int Index, int Count, double Timestep, Tensor Sample, Tensor PredictedOriginal, Tensor? Input = null);
