using Diffuse.Pipelines;
using Diffuse.Data;
using Diffuse.Models;
using TorchSharp;

namespace Diffuse.Training;

/// <summary>Turns a config's <c>--data</c> and <c>--model</c> into training data and a model constructor.</summary>
public static class TrainingSetup
{
    public static TrainingPlan Prepare(TrainConfig config)
    {
        if (config.Task == TrainConfig.TextToImageTask) return TextToImageSetup.Prepare(config);
        if (config.Task == TrainConfig.AutoencoderTask) return AutoencoderSetup.Prepare(config);
        if (Toy2D.IsToyName(config.Data))
        {
            if (config.Conditional) throw new DiffuseArgumentException("conditional", $"needs labelled images; '{config.Data}' is an unlabelled 2-D point set");
            if (config.Task == TrainConfig.SuperresTask) throw new DiffuseArgumentException("task", $"{TrainConfig.SuperresTask} needs images; '{config.Data}' is a 2-D point set");
            var toy = ModelPresets.Toy();
            return new TrainingPlan(new ToyTrainingData(config.Data), () => new ToyMlp(toy),
                (model, scheduler) => new PointCloudPipeline((ToyMlp)model, scheduler));
        }
        int size = config.ImageSize ?? DatasetLoader.DefaultSize(config.Data);
        if (config.SuperresScale is int scale && size % scale != 0)
            throw new DiffuseArgumentException("superres_scale", $"{scale} does not divide the image size {size}; choose an image size that is a multiple of {scale}");
        var images = DatasetLoader.Load(config.Data, size);
        var shape = images.Data.shape;
        var data = new ImageTrainingData(images, config.RandomFlip);
        if (config.Conditional && data.NumClasses is null)
            throw new DiffuseArgumentException("conditional", $"needs labelled data: '{config.Data}' has no labels (an IDX labels file beside the images, or one subfolder per class)");
        if (ModelPresets.IsTransformer(config.Model))
        {
            if (config.SuperresScale is not null) throw new DiffuseArgumentException("task", $"{TrainConfig.SuperresTask} needs a UNet preset (the {config.Model} transformer takes no image condition)");
            var dit = ModelPresets.Transformer(config.Model, (int)shape[1], (int)shape[2], config.Conditional ? data.NumClasses : null);
            return new TrainingPlan(data, () => new DiTTransformer2DModel(dit),
                (model, scheduler) => new DiTPipeline((DiTTransformer2DModel)model, scheduler, unconditional: !config.Conditional));
        }
        var unet = ModelPresets.UNet(config.Model, (int)shape[1], (int)shape[2], config.Conditional ? data.NumClasses : null, config.SuperresScale);
        return new TrainingPlan(data, () => new UNet2DModel(unet), (model, scheduler) => (config.SuperresScale, config.Conditional ? data.NumClasses : null) switch
        {
            (int scale, _) => new SuperResolutionPipeline((UNet2DModel)model, scheduler, scale),
            (null, int classes) => new ClassConditionalPipeline((UNet2DModel)model, scheduler, nullClass: classes),
            _ => new DdpmPipeline((UNet2DModel)model, scheduler),
        });
    }
}
