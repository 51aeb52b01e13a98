using Diffuse.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// bfloat16 mixed-precision training without autocast (TorchSharp has none): the float32 network stays the master
/// copy that the optimiser steps, clips and averages (EMA), and a bfloat16 copy of it does the forward and backward
/// passes, where the time goes. Each step copies the master weights into the copy (<see cref="LoadWeights"/>), runs
/// the network in bfloat16 on a bfloat16 x_t (<see cref="Predict"/>, output cast back to float32 so the loss and its
/// reduction are float32), and hands the bfloat16 gradients back to the master parameters as float32
/// (<see cref="StoreGradients"/>). This is what apex's O2 level and PyTorch's autocast with float32 master weights
/// amount to for a network made of convolutions, matrix products and normalisations; bfloat16 has float32's
/// exponent range, so no loss scaling is needed.
/// </summary>
public sealed class MixedPrecision : IDisposable
{
    private readonly TorchSharp.Modules.Parameter[] _master;
    private readonly TorchSharp.Modules.Parameter[] _copy;

    /// <summary>The bfloat16 copy of the network: what runs forward and backward.</summary>
    public nn.Module Network { get; }

    public ScalarType DType { get; }

    /// <param name="master">the float32 network being trained.</param>
    /// <param name="createNetwork">builds a fresh network of the same shape (converted here).</param>
    public MixedPrecision(nn.Module master, Func<nn.Module> createNetwork, ScalarType dtype)
    {
        if (dtype != ScalarType.BFloat16)
            throw new DiffuseException($"mixed-precision training runs in bfloat16 only (got {dtype}); float16 would need loss scaling");
        DType = dtype;
        Network = createNetwork();
        Network.to(master.parameters().First().device).to(dtype);
        _master = master.parameters().ToArray();
        _copy = Network.parameters().ToArray();
        if (_master.Length != _copy.Length) throw new DiffuseException("the bfloat16 copy does not match the trained network");
        LoadWeights();
    }

    /// <summary>Rounds the master weights into the bfloat16 copy (before each forward pass).</summary>
    public void LoadWeights()
    {
        using var noGrad = no_grad();
        for (int i = 0; i < _master.Length; i++) _copy[i].copy_(_master[i]);
    }

    /// <summary>The copy's prediction for a float32 <paramref name="sample"/>, as float32.</summary>
    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning conditioning)
    {
        var narrow = conditioning with
        {
            ImageCondition = conditioning.ImageCondition?.to(DType),
            EncoderHiddenStates = conditioning.EncoderHiddenStates?.to(DType),
            PooledEmbeddings = conditioning.PooledEmbeddings?.to(DType),
        };
        return ((IDenoiser)Network).Predict(sample.to(DType), timesteps, narrow).to(ScalarType.Float32);
    }

    /// <summary>
    /// After backward: each master parameter's gradient becomes its copy's, widened to float32, and the copy's
    /// gradients are dropped. A parameter the loss did not reach keeps no gradient, as in plain training.
    /// </summary>
    public void StoreGradients()
    {
        using var noGrad = no_grad();
        for (int i = 0; i < _master.Length; i++)
        {
            var grad = _copy[i].grad;
            _master[i].grad = grad?.to(ScalarType.Float32);
            _copy[i].grad = null;
        }
    }

    public void Dispose() => Network.Dispose();
}
