using Diffuse.Cli.Commands;
using Diffuse.Training;

namespace Diffuse.Tests.Cli;

/// <summary>Which recipe <c>diffuse train</c> builds from its options when they leave the choice open.</summary>
public sealed class TrainDefaultsTests
{
    static TrainConfig Build(TrainSettings settings) => TrainCommand.BuildConfig(settings, TorchSharp.torch.CPU);

    [Fact]
    public void The_first_command_trains_a_flow_model_without_min_snr()
    {
        var config = Build(new TrainSettings());
        Assert.Equal(TrainConfig.FlowObjective, config.Objective);
        Assert.Null(config.SnrGamma);
        Assert.Equal(2000, config.Steps);
    }

    [Fact]
    public void A_prediction_type_class_labels_a_vae_or_toy_data_keep_diffusion()
    {
        var predicted = Build(new TrainSettings { Prediction = "epsilon" });
        Assert.Equal(TrainConfig.DiffusionObjective, predicted.Objective);
        Assert.Equal(5, predicted.SnrGamma);
        Assert.Equal(TrainConfig.DiffusionObjective, Build(new TrainSettings { Conditional = true }).Objective);
        Assert.Equal(TrainConfig.DiffusionObjective, Build(new TrainSettings { Data = "moons" }).Objective);
        Assert.Equal(TrainConfig.DiffusionObjective, Build(new TrainSettings { Task = TrainConfig.SuperresTask }).Objective);
    }

    [Fact]
    public void An_explicit_objective_wins()
    {
        Assert.Equal(TrainConfig.DiffusionObjective, Build(new TrainSettings { Objective = TrainConfig.DiffusionObjective }).Objective);
        Assert.Equal(TrainConfig.FlowObjective, Build(new TrainSettings { Objective = TrainConfig.FlowObjective, Conditional = true }).Objective);
    }
}
