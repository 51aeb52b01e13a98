using Diffuse.Models;
using Diffuse.Pipelines;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

public sealed class ClassifierFreeGuidanceTests
{
    /// <summary>ε(x, c) = x + c, and counts its calls and batch sizes.</summary>
    private sealed class LabelEcho : IDenoiser
    {
        public List<long> Batches { get; } = [];

        public Tensor Predict(Tensor sample, Tensor timesteps, Tensor? classLabels = null)
        {
            Batches.Add(sample.shape[0]);
            return sample + classLabels!.to(float32).view(-1, 1);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    public void Guided_prediction_is_one_plus_w_conditional_minus_w_unconditional(double w)
    {
        var model = new LabelEcho();
        using var labels = tensor(new long[] { 2, 5 });
        var guided = new ClassifierFreeGuidance(model, labels, nullClass: 10, weight: w);
        using var x = tensor(new float[] { 0.5f, -1f }).view(2, 1);
        using var output = guided.Predict(x, tensor(new long[] { 7 }));

        // (1 + w)(x + c) − w(x + 10) = x + c + w(c − 10)
        var expected = new[] { 0.5 + 2 + w * (2 - 10), -1 + 5 + w * (5 - 10) };
        var actual = output.data<float>().ToArray();
        for (int i = 0; i < 2; i++) Assert.Equal(expected[i], actual[i], 5);
        // One network call a step: the unconditional half rides in the same batch (none at all when w = 0).
        Assert.Equal(new long[] { w == 0 ? 2 : 4 }, model.Batches);
    }

    [Fact]
    public void A_negative_weight_is_refused()
    {
        using var labels = tensor(new long[] { 1 });
        Assert.Throws<DiffuseException>(() => new ClassifierFreeGuidance(new LabelEcho(), labels, 10, -1));
    }
}
