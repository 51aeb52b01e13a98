using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// What a run trains for when it is not a diffusion model (an autoencoder): the loss of a batch, how the EMA weights
/// are saved, and what a preview shows. The Trainer, its EMA, checkpoints, resume and Ctrl-C safety stay the same.
/// </summary>
public interface ITrainingObjective
{
    /// <summary>The scalar loss of <paramref name="batch"/>, drawing anything random from <paramref name="generator"/> only.</summary>
    Tensor Loss(nn.Module model, TrainingBatch batch, Generator generator);

    /// <summary>Writes the trained (EMA) model into <paramref name="folder"/>.</summary>
    void Save(nn.Module model, string folder);

    /// <summary>Writes what a person looks at for the EMA weights at this step to <paramref name="path"/> (a PNG).</summary>
    void WritePreview(nn.Module model, string path);
}
