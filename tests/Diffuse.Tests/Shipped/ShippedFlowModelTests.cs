using Diffuse.Data;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Training;
using static TorchSharp.torch;

namespace Diffuse.Tests.Shipped;

/// <summary>models/fashion-mnist-flow, copied beside the program: a rectified-flow model trained here (see its MADE-BY.md).</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class ShippedFlowModelTests
{
    static string Folder => Path.Combine(AppContext.BaseDirectory, "models", "fashion-mnist-flow");

    /// <summary>
    /// The trained weights predict the velocity ε − x₀ of real images far better than the same network untrained: at
    /// σ = 0.5 the velocity has variance about 1 + var(x₀); a trained model's error is a fraction of it.
    /// </summary>
    [Fact]
    public void Shipped_weights_predict_the_velocity_of_real_images()
    {
        using var pipeline = DiffusionPipeline.Load(Folder);
        Assert.Equal(FlowMatchEulerDiscreteScheduler.DiffusersClassName, pipeline.SchedulerConfig.ClassName);
        manual_seed(1);
        using var untrained = pipeline.Network switch
        {
            UNet2DModel u => (TorchSharp.torch.nn.Module)new UNet2DModel(u.Config),
            DiTTransformer2DModel d => new DiTTransformer2DModel(d.Config),
            var other => throw new InvalidOperationException(other.GetType().Name),
        };
        using var data = DatasetLoader.Load(DatasetLoader.FashionMnist, 28);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var gen = new Generator().manual_seed(1);
        var x0 = data.Data[TensorIndex.Slice(0, 64)];
        var noise = randn(x0.shape, generator: gen);
        var sigma = full(64, 0.5f);
        var xt = FlowMatchingObjective.NoisyInput(x0, noise, sigma);
        var t = full(64, 500f);
        var target = noise - x0;
        double trained = (pipeline.Denoiser.Predict(xt, t) - target).square().mean().item<float>();
        double random = (((IDenoiser)untrained).Predict(xt, t) - target).square().mean().item<float>();
        Assert.True(trained < 0.5, $"trained velocity MSE {trained}");
        Assert.True(random > 1.0, $"untrained velocity MSE {random}");
    }
}
