using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>Nearest-neighbour 2x upsampling followed by a 3x3 convolution (diffusers' Upsample2D with use_conv).</summary>
public sealed class Upsample2D : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;

    public Upsample2D(int channels) : base(nameof(Upsample2D))
    {
        conv = nn.Conv2d(channels, channels, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => forward(x, null);

    /// <summary>Upsamples to <paramref name="outputSize"/> [H, W] when given (diffusers' <c>output_size</c>), else to twice the size.</summary>
    public Tensor forward(Tensor x, long[]? outputSize)
    {
        using var up = outputSize is null
            ? nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)
            : nn.functional.interpolate(x, size: outputSize, mode: InterpolationMode.Nearest);
        return conv.forward(up);
    }
}
