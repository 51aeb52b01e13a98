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
            if (config.Conditional) throw new DiffuseException($"--conditional needs labelled images; '{config.Data}' is an unlabelled 2-D point set");
            if (config.Task == TrainConfig.SuperresTask) throw new DiffuseException($"--task {TrainConfig.SuperresTask} needs images; '{config.Data}' is a 2-D point set");
            var toy = ModelPresets.Toy();
            return (new ToyTrainingData(config.Data), () => new ToyMlp(toy));
        }
        int size = config.ImageSize ?? DatasetLoader.DefaultSize(config.Data);
        if (config.SuperresScale is int scale && size % scale != 0)
            throw new DiffuseException($"--scale {scale} does not divide the image size {size}; choose --image-size as a multiple of {scale}");
        var images = DatasetLoader.Load(config.Data, size);
        var shape = images.Data.shape;
        var data = new ImageTrainingData(images, config.RandomFlip);
        if (config.Conditional && data.NumClasses is null)
            throw new DiffuseException($"--conditional needs labelled data: '{config.Data}' has no labels (an IDX labels file beside the images, or one subfolder per class)");
        var unet = ModelPresets.UNet(config.Model, (int)shape[1], (int)shape[2], config.Conditional ? data.NumClasses : null, config.SuperresScale);
        return (data, () => new UNet2DModel(unet));
    }
}
