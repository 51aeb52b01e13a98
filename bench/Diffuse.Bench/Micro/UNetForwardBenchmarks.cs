using BenchmarkDotNet.Attributes;
using Diffuse.Models;
using Diffuse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Bench.Micro;

/// <summary>One forward pass of the tiny preset on 64 Fashion-MNIST-sized images, float32 and bfloat16.</summary>
public class UNetForwardBenchmarks
{
    private UNet2DModel _model = null!;
    private Tensor _x = null!;
    private Tensor _t = null!;

    [Params("float32", "bfloat16")]
    public string DType { get; set; } = "float32";

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        _model = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28));
        _model.eval();
        var dtype = InferenceDTypes.Parse(DType);
        _model.to(dtype);
        _x = randn(64, 1, 28, 28).to(dtype);
        _t = randint(0, 1000, [64]);
    }

    [Benchmark]
    public void TinyForward()
    {
        using var scope = NewDisposeScope();   // frees the network's intermediate tensors every call, as diffuse bench does
        using var noGrad = no_grad();
        using var y = _model.forward(_x, _t);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        _x.Dispose();
        _t.Dispose();
    }
}
