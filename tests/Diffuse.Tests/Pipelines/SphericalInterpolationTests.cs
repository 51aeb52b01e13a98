using Diffuse.Pipelines;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

public sealed class SphericalInterpolationTests
{
    [Fact]
    public void Endpoints_are_returned_exactly()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(seed: 7);
        var a = randn([1, 3, 5, 5], generator: gen);
        var b = randn([1, 3, 5, 5], generator: gen);
        Assert.True(SphericalInterpolation.Slerp(a, b, 0).eq(a).all().item<bool>());
        Assert.True(SphericalInterpolation.Slerp(a, b, 1).eq(b).all().item<bool>());
    }

    [Fact]
    public void Orthogonal_unit_vectors_stay_on_the_unit_circle()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new[] { 1f, 0f, 0f });
        var b = tensor(new[] { 0f, 1f, 0f });
        foreach (var t in new[] { 0.1, 0.25, 0.5, 0.9 })
        {
            var p = SphericalInterpolation.Slerp(a, b, t);
            // θ = π/2: p = cos(tπ/2)·a + sin(tπ/2)·b, norm 1 (a straight line's midpoint has norm 1/√2).
            Assert.Equal(Math.Cos(t * Math.PI / 2), p[0].item<float>(), 1e-6);
            Assert.Equal(Math.Sin(t * Math.PI / 2), p[1].item<float>(), 1e-6);
            Assert.Equal(1.0, p.norm().item<float>(), 1e-6);
        }
    }

    [Fact]
    public void Angle_is_split_in_proportion_to_t()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new[] { 2f, 0f });
        var b = tensor(new[] { 2f * MathF.Cos(1.2f), 2f * MathF.Sin(1.2f) });   // θ = 1.2 rad, both of norm 2
        var p = SphericalInterpolation.Slerp(a, b, 0.25);
        Assert.Equal(2 * Math.Cos(0.3), p[0].item<float>(), 1e-5);
        Assert.Equal(2 * Math.Sin(0.3), p[1].item<float>(), 1e-5);
    }

    [Fact]
    public void Nearly_parallel_vectors_fall_back_to_a_straight_line()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new[] { 1f, 0f });
        var b = tensor(new[] { 1.5f, 0.01f });   // cos θ = 0.99998 > 0.9995
        var p = SphericalInterpolation.Slerp(a, b, 0.4);
        Assert.Equal(1.2f, p[0].item<float>(), 1e-6);
        Assert.Equal(0.004f, p[1].item<float>(), 1e-6);
    }

    [Fact]
    public void Frames_run_from_a_to_b_and_fewer_than_two_are_refused()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new[] { 1f, 0f });
        var b = tensor(new[] { 0f, 1f });
        var frames = SphericalInterpolation.Frames(a, b, 3);
        Assert.Equal(new long[] { 3, 2 }, frames.shape);
        Assert.True(frames[0].eq(a).all().item<bool>() && frames[2].eq(b).all().item<bool>());
        Assert.Equal(Math.Sqrt(0.5), frames[1][0].item<float>(), 1e-6);
        var e = Assert.ThrowsAny<DiffuseException>(() => SphericalInterpolation.Frames(a, b, 1));
        Assert.Equal("frames must be at least 2, the two ends (got 1)", e.Message);
    }
}
