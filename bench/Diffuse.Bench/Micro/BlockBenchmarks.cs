using BenchmarkDotNet.Attributes;
using Diffuse.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Bench.Micro;

/// <summary>
/// The UNet's pieces at the shapes the default preset runs them (batch 64, 28×28 Fashion-MNIST):
/// GroupNorm (+ SiLU, as every ResNet block applies them) on 64 channels at 14×14, a 64-channel ResNet
/// block at 14×14, and self-attention over 7×7 and 16×16 tokens (the mid blocks of small at 28×28 and
/// pt-tiny at 32×32). Inference: eval mode, no autograd.
/// </summary>
public class BlockBenchmarks
{
    private GroupNorm _norm = null!;
    private ResnetBlock2D _resnet = null!;
    private SpatialSelfAttention _attention128 = null!;
    private SpatialSelfAttention _attention64 = null!;
    private Tensor _features = null!;
    private Tensor _temb = null!;
    private Tensor _bottleneck = null!;
    private Tensor _tinyMid = null!;

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        _norm = Normalization.GroupNorm(8, 64, 1e-5);
        _resnet = new ResnetBlock2D(64, 64, 128, 8, 1e-5);
        _resnet.eval();
        _attention128 = new SpatialSelfAttention(128, 128, 8, 1e-5);
        _attention128.eval();
        _attention64 = new SpatialSelfAttention(64, 64, 8, 1e-5);
        _attention64.eval();
        _features = randn(64, 64, 14, 14);
        _temb = randn(64, 128);
        _bottleneck = randn(64, 128, 7, 7);
        _tinyMid = randn(64, 64, 16, 16);
    }

    [Benchmark]
    public void GroupNorm()
    {
        using var scope = NewDisposeScope();   // frees the network's intermediate tensors every call, as diffuse bench does
        using var noGrad = no_grad();
        using var y = _norm.forward(_features);
    }

    [Benchmark]
    public void GroupNormSilu()
    {
        using var scope = NewDisposeScope();   // frees the network's intermediate tensors every call, as diffuse bench does
        using var noGrad = no_grad();
        using var h = _norm.forward(_features);
        using var y = nn.functional.silu(h);
    }

    [Benchmark]
    public void ResnetBlock()
    {
        using var scope = NewDisposeScope();   // frees the network's intermediate tensors every call, as diffuse bench does
        using var noGrad = no_grad();
        using var y = _resnet.forward(_features, _temb);
    }

    [Benchmark]
    public void Attention7x7x128()
    {
        using var scope = NewDisposeScope();   // frees the network's intermediate tensors every call, as diffuse bench does
        using var noGrad = no_grad();
        using var y = _attention128.forward(_bottleneck);
    }

    [Benchmark]
    public void Attention16x16x64()
    {
        using var scope = NewDisposeScope();   // frees the network's intermediate tensors every call, as diffuse bench does
        using var noGrad = no_grad();
        using var y = _attention64.forward(_tinyMid);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var d in new IDisposable[] { _norm, _resnet, _attention128, _attention64, _features, _temb, _bottleneck, _tinyMid }) d.Dispose();
    }
}
