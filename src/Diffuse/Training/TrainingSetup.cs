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
        int size = config.ImageSize ?? DatasetLoader.DefaultSize(config.Data);
        var images = DatasetLoader.Load(config.Data, size);
        var shape = images.Data.shape;
        var unet = ModelPresets.UNet(config.Model, (int)shape[1], (int)shape[2]);
        return (new ImageTrainingData(images, config.RandomFlip), () => new UNet2DModel(unet));
    }
}
