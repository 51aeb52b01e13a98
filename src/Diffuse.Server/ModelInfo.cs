using Diffuse.Pipelines;

namespace Diffuse.Server;

/// <summary>
/// What the page needs to build a model's form, asked of the pipeline itself (never guessed from the folder's name):
/// a prompt for text models, a class picker for class models, an image for models that start from one.
/// </summary>
public sealed record ModelInfo
{
    public required string Name { get; init; }
    public required string Pipeline { get; init; }
    public bool TakesText { get; init; }
    public int? ClassCount { get; init; }
    public IReadOnlyList<string>? ClassNames { get; init; }
    /// <summary>False for super-resolution: it needs an image to start from.</summary>
    public bool GeneratesFromNoise { get; init; }
    /// <summary>Image-to-image and inpainting apply (an image model that also generates from noise).</summary>
    public bool Edits { get; init; }
    /// <summary>A super-resolution model's factor; its input image is <see cref="InputSize"/> pixels square.</summary>
    public int? UpscaleFactor { get; init; }
    public int? InputSize { get; init; }
    public bool TakesImageSize { get; init; }
    public int Channels { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public double DefaultGuidanceScale { get; init; }
    public string? DefaultSampler { get; init; }
    public IReadOnlyList<string> Samplers { get; init; } = [];
    /// <summary>Set when the folder could not be loaded (the model is listed but cannot be used).</summary>
    public string? Error { get; init; }

    /// <summary>The names of Fashion-MNIST's ten classes, shown for a ten-class model with 28×28 grey images.</summary>
    static readonly string[] FashionMnist = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static ModelInfo Describe(string name, DiffusionPipeline pipeline)
    {
        var image = pipeline.MakesImages ? pipeline.ImageShape : [0, 0, 0];
        var superResolution = pipeline as SuperResolutionPipeline;
        return new ModelInfo
        {
            Name = name,
            Pipeline = pipeline.ClassName,
            TakesText = pipeline.TakesText,
            ClassCount = pipeline.ClassCount,
            ClassNames = pipeline.ClassCount == 10 && image is [1, 28, 28] ? FashionMnist : null,
            GeneratesFromNoise = pipeline.GeneratesFromNoise,
            Edits = pipeline.GeneratesFromNoise && pipeline.MakesImages,
            UpscaleFactor = superResolution?.Scale,
            InputSize = superResolution?.LowResolutionSize,
            TakesImageSize = pipeline.TakesImageSize,
            Channels = (int)image[0],
            Height = (int)image[1],
            Width = (int)image[2],
            DefaultGuidanceScale = pipeline.DefaultGuidanceScale,
            DefaultSampler = pipeline.SchedulerConfig.ClassName,
            Samplers = Schedulers.SchedulerRegistry.NamesFor(pipeline.SchedulerConfig.ClassName),
        };
    }
}
