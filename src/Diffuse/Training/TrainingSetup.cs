using Diffuse.Data;
using Diffuse.Models;
using TorchSharp;

namespace Diffuse.Training;

/// <summary>Turns a config's <c>--data</c> and <c>--model</c> into training data and a model constructor.</summary>
public static class TrainingSetup
{
    public static (ITrainingData Data, Func<torch.nn.Module> CreateModel) Prepare(TrainConfig config)
    {
        if (Toy2D.IsToyName(config.Data))
        {
            var toy = ModelPresets.Toy();
            return (new ToyTrainingData(config.Data), () => new ToyMlp(toy));
        }
        // The MNIST family stays at its native 28x28 and image folders default to 32x32,
        // unless --image-size asks otherwise.
        int size = config.ImageSize ?? (Directory.Exists(config.Data) ? 32 : 28);
        var images = DatasetLoader.Load(config.Data, size);
        var shape = images.Data.shape;
        var unet = ModelPresets.UNet(config.Model, (int)shape[1], (int)shape[2]);
        return (new ImageTrainingData(images, config.RandomFlip), () => new UNet2DModel(unet));
    }
}
