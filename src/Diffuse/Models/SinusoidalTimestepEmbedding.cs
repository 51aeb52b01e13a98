using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The fixed sinusoidal embedding of a timestep (Vaswani et al. 2017, §3.5; used by Ho et al. 2020),
/// computed as diffusers' <c>get_timestep_embedding</c>: frequencies exp(−ln(10000)·i/(half − shift)),
/// [sin | cos], optionally flipped to [cos | sin]. It has no weights (diffusers' <c>time_proj</c>).
/// </summary>
public sealed class SinusoidalTimestepEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly int _dim;
    private readonly bool _flipSinToCos;
    private readonly double _freqShift;

    public SinusoidalTimestepEmbedding(int dim, bool flipSinToCos, double freqShift) : base("time_proj")
    {
        _dim = dim;
        _flipSinToCos = flipSinToCos;
        _freqShift = freqShift;
    }

    public override Tensor forward(Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        int half = _dim / 2;
        var exponent = -Math.Log(10000.0) * arange(0, half, dtype: float32, device: timesteps.device) / (half - _freqShift);
        var angles = timesteps.to(float32).unsqueeze(1) * exponent.exp().unsqueeze(0);
        var emb = _flipSinToCos ? cat([angles.cos(), angles.sin()], 1) : cat([angles.sin(), angles.cos()], 1);
        if (_dim % 2 == 1) emb = nn.functional.pad(emb, [0, 1]);
        return emb.MoveToOuterDisposeScope();
    }
}
