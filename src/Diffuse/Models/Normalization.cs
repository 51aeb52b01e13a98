using TorchSharp;
using TorchSharp.Modules;

namespace Diffuse.Models;

/// <summary>
/// GroupNorm with PyTorch's initialisation (weight 1, bias 0). TorchSharp 0.107's <c>nn.GroupNorm</c>
/// leaves its affine parameters uninitialised (seen here: NaN or garbage), so every norm in the
/// models is made here.
/// </summary>
public static class Normalization
{
    public static GroupNorm GroupNorm(int groups, int channels, double eps)
    {
        var norm = torch.nn.GroupNorm(groups, channels, eps);
        using var noGrad = torch.no_grad();
        norm.weight!.fill_(1.0f);
        norm.bias!.zero_();
        return norm;
    }
}
