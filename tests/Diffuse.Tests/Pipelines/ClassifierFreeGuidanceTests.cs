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

        public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
        {
            Batches.Add(sample.shape[0]);
            return sample + conditioning!.ClassLabels!.to(float32).view(-1, 1);
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(4.0)]
    [InlineData(0.0)]
    public void Guided_prediction_is_unconditional_plus_s_times_the_difference(double s)
    {
        var model = new LabelEcho();
        using var labels = tensor(new long[] { 2, 5 });
        using var nulls = tensor(new long[] { 10, 10 });
        var guided = new ClassifierFreeGuidance(model, new Conditioning { ClassLabels = labels }, new Conditioning { ClassLabels = nulls }, guidanceScale: s);
        using var x = tensor(new float[] { 0.5f, -1f }).view(2, 1);
        using var output = guided.Predict(x, tensor(new long[] { 7 }));

        // diffusers: (x + 10) + s·((x + c) − (x + 10)) = x + 10 + s·(c − 10); s = 1 is the conditional x + c, s = 0 the unconditional.
        var expected = new[] { 0.5 + 10 + s * (2 - 10), -1 + 10 + s * (5 - 10) };
        var actual = output.data<float>().ToArray();
        for (int i = 0; i < 2; i++) Assert.Equal(expected[i], actual[i], 5);
        // One network call a step: the unconditional half rides in the same batch (none at all when s = 1).
        Assert.Equal(new long[] { s == 1 ? 2 : 4 }, model.Batches);
    }

    [Fact]
    public void A_negative_guidance_scale_is_refused_naming_the_parameter()
    {
        using var labels = tensor(new long[] { 1 });
        var e = Assert.Throws<DiffuseArgumentException>(() => new ClassifierFreeGuidance(new LabelEcho(), new Conditioning { ClassLabels = labels }, new Conditioning { ClassLabels = labels }, -1));
        Assert.Equal("guidance_scale", e.ParameterName);
    }

    /// <summary>ε(x, c) = x·(1 + c).</summary>
    private sealed class Scaling : IDenoiser
    {
        public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null) =>
            sample * (1 + conditioning!.ClassLabels!.to(float32).view(-1, 1));
    }

    [Fact]
    public void Guidance_rescale_pulls_the_guided_prediction_to_the_conditional_ones_spread()
    {
        // x = [1, 2, 3, 4]: conditional (c = 1) 2x, unconditional (c = 0) x, s = 3: guided 4x, twice the conditional
        // spread; rescaled to it: 2x; φ = 0.7 mixes 0.7·2x + 0.3·4x = 2.6x (Lin et al. 2023, eq. 15-16).
        using var x = tensor(new float[] { 1, 2, 3, 4 }).view(1, 4);
        using var one = tensor(new long[] { 1 });
        using var zero = tensor(new long[] { 0 });
        var guided = new ClassifierFreeGuidance(new Scaling(), new Conditioning { ClassLabels = one }, new Conditioning { ClassLabels = zero },
                                                guidanceScale: 3, guidanceRescale: 0.7);
        using var output = guided.Predict(x, tensor(new long[] { 5 }));
        var expected = new[] { 2.6, 5.2, 7.8, 10.4 };
        var actual = output.data<float>().ToArray();
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], actual[i], 4);
        Assert.Equal("guidance_rescale", Assert.Throws<DiffuseArgumentException>(
            () => new ClassifierFreeGuidance(new Scaling(), new Conditioning { ClassLabels = one }, new Conditioning { ClassLabels = zero }, 3, 1.5)).ParameterName);
    }
}
