using Diffuse.Models;
using TorchSharp;

namespace Diffuse.Cli.Commands;

/// <summary>
/// A super-resolution model takes a low-resolution image as extra input channels, so sampling it from
/// noise alone would fail deep in the network; the commands that do that refuse it up front.
/// </summary>
internal static class SuperResolutionCheck
{
    public static void Refuse(torch.nn.Module model, string folder, string command)
    {
        if (model is not UNet2DModel { Config.SuperresScale: int scale }) return;
        throw new DiffuseException($"{folder} is a ×{scale} super-resolution model: {command} cannot use it; use diffuse upscale --model {folder} --image LOW-RES.png");
    }
}
