using System.Globalization;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Runtime;

namespace Diffuse.Cli.Commands;

/// <summary>How every command turns --model, --device, --dtype and --class into library values.</summary>
internal static class ModelOptions
{
    public const string DeviceHelp = "Where the network runs: cpu (default), cuda or cuda:N (needs a CUDA runtime package and a GPU; see the README).";

    /// <summary>The pipeline of --model (a model folder or a training run's folder), or the default model.</summary>
    public static DiffusionPipeline Load(string? model, string? device, string? dtype = null, string? config = null) =>
        DiffusionPipeline.Load(DefaultModel.Resolve(model), Devices.Parse(device ?? "cpu"), InferenceDTypes.Parse(dtype ?? "float32"), config);

    /// <summary>The super-resolution pipeline of --model, or the shipped ×2 one.</summary>
    public static SuperResolutionPipeline LoadSuperResolution(string? model, string? device)
    {
        var folder = DefaultModel.ResolveSuperResolution(model);
        var pipeline = DiffusionPipeline.Load(folder, Devices.Parse(device ?? "cpu"));
        if (pipeline is SuperResolutionPipeline superResolution) return superResolution;
        pipeline.Dispose();
        throw new DiffuseException($"{folder} is not a super-resolution model (its model_index.json names {pipeline.ClassName}); train one with diffuse train --task superres");
    }

    /// <summary>--class: one index or a comma-separated list; null when not given.</summary>
    public static IReadOnlyList<int>? Classes(string? option) => option?.Split(',', StringSplitOptions.TrimEntries).Select(part =>
        int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k)
            ? k
            : throw new DiffuseException($"--class: '{part}' is not a class index")).ToList();

    /// <summary>A model that refuses to start from noise (super-resolution) refused up front, naming the command to use.</summary>
    public static void RefuseSuperResolution(DiffusionPipeline pipeline, string folder, string command)
    {
        if (pipeline.GeneratesFromNoise) return;
        throw new DiffuseException($"{folder} is a super-resolution model ({pipeline.ClassName}): {command} cannot use it; use diffuse upscale --model {folder} --image LOW-RES.png");
    }
}
