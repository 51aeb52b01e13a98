using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Tests.Models;

[Collection(GlobalRngCollection.Name)]
public sealed class ConditioningTests
{
    [Fact]
    public void Concat_joins_each_field_along_the_batch_and_keeps_absent_ones_absent()
    {
        using var scope = NewDisposeScope();
        var a = new Conditioning { ClassLabels = tensor(new long[] { 1, 2 }), EncoderHiddenStates = ones(2, 3, 4) };
        var b = new Conditioning { ClassLabels = tensor(new long[] { 9, 9 }), EncoderHiddenStates = zeros(2, 3, 4) };
        var both = a.Concat(b);
        Assert.Equal(new long[] { 1, 2, 9, 9 }, both.ClassLabels!.data<long>().ToArray());
        Assert.Equal(new long[] { 4, 3, 4 }, both.EncoderHiddenStates!.shape);
        Assert.Equal(12.0 * 2, both.EncoderHiddenStates.sum().item<float>());
        Assert.Null(both.ImageCondition);
        Assert.Equal(4L, both.BatchSize);
    }

    [Fact]
    public void Concat_refuses_a_field_given_for_one_half_only()
    {
        using var scope = NewDisposeScope();
        var a = new Conditioning { ClassLabels = tensor(new long[] { 1 }), PooledEmbeddings = ones(1, 2) };
        var b = new Conditioning { ClassLabels = tensor(new long[] { 0 }) };
        var e = Assert.ThrowsAny<DiffuseException>(() => a.Concat(b));
        Assert.Contains("PooledEmbeddings", e.Message);
    }

    [Fact]
    public void A_network_refuses_conditioning_it_cannot_use()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var toy = new ToyMlp(new ToyMlpConfig());
        var e = Assert.ThrowsAny<DiffuseException>(() => toy.Predict(zeros(2, 2), tensor(new[] { 3f }), new Conditioning { ClassLabels = tensor(new long[] { 0, 1 }) }));
        Assert.Equal("ToyMlp takes no ClassLabels (it is conditioned on nothing)", e.Message);
    }
}
