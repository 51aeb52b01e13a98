using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// A small denoiser for 2-D point clouds: the point and a sinusoidal embedding of t go through an MLP
/// with SiLU activations and a residual connection around each hidden layer.
/// </summary>
public sealed class ToyMlp : nn.Module<Tensor, Tensor, Tensor>, IDenoiser, IDiffusersModel
{
    private readonly SinusoidalTimestepEmbedding time_proj;
    private readonly Linear input;
    private readonly ModuleList<Linear> hidden = new();
    private readonly Linear output;

    public ToyMlpConfig Config { get; }

    public ToyMlp(ToyMlpConfig config) : base(nameof(ToyMlp))
    {
        Config = config;
        time_proj = new SinusoidalTimestepEmbedding(config.TimeEmbeddingDim, flipSinToCos: true, freqShift: 0);
        input = nn.Linear(config.InFeatures + config.TimeEmbeddingDim, config.HiddenSize);
        for (int i = 0; i < config.HiddenLayers; i++) hidden.Add(nn.Linear(config.HiddenSize, config.HiddenSize));
        output = nn.Linear(config.HiddenSize, config.InFeatures);
        RegisterComponents();
    }

    public string Library => "diffuse";

    public string ClassName => nameof(ToyMlp);

    public void SaveConfig(string path) => Config.Save(path);

    public IReadOnlyList<(string Name, string Value)> Describe() =>
    [
        ("network", $"ToyMlp ({Config.HiddenLayers}×{Config.HiddenSize})"),
        ("points", $"{Config.InFeatures}-D"),
    ];

    public override Tensor forward(Tensor sample, Tensor timesteps) => Predict(sample, timesteps);

    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        conditioning?.OnlyUses(nameof(ToyMlp));
        using var scope = NewDisposeScope();
        timesteps = timesteps.to(sample.device);
        var t = timesteps.dim() == 0 || timesteps.shape[0] == 1 ? timesteps.reshape(1).expand(sample.shape[0]) : timesteps;
        var h = nn.functional.silu(input.forward(cat([sample, time_proj.forward(t).to(sample.dtype)], 1)));
        foreach (var layer in hidden) h = h + nn.functional.silu(layer.forward(h));
        return output.forward(h).MoveToOuterDisposeScope();
    }
}
