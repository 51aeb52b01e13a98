using Diffuse.Data;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// Captioned training examples: images in [−1, 1] (a pixel-space model), or a frozen autoencoder's posterior over each
/// image (a latent model: mean and standard deviation, a fresh latent drawn from them for every batch, as diffusers'
/// train_text_to_image.py samples <c>latent_dist</c> every step), each with its caption's token ids, and the empty
/// prompt's ids that caption dropout puts in their place.
/// </summary>
public sealed class TextToImageTrainingData : ITrainingData
{
    private readonly Tensor _examples;
    private readonly Tensor? _std;
    private readonly Tensor _tokenIds;
    private readonly Tensor _emptyPromptIds;
    private readonly bool _randomFlip;

    /// <param name="examples">[N, C, H, W]: images, or latent means (scaled); the data takes ownership.</param>
    /// <param name="std">[N, C, H, W]: the latents' standard deviations (scaled), or null for images.</param>
    /// <param name="tokenIds">int64 [N, L]: each caption's ids.</param>
    /// <param name="emptyPromptIds">int64 [L]: the ids of "".</param>
    public TextToImageTrainingData(Tensor examples, Tensor? std, Tensor tokenIds, Tensor emptyPromptIds, bool randomFlip, IReadOnlyList<string> captions)
    {
        _examples = examples.DetachFromDisposeScope();
        _std = std?.DetachFromDisposeScope();
        _tokenIds = tokenIds.DetachFromDisposeScope();
        _emptyPromptIds = emptyPromptIds.DetachFromDisposeScope();
        _randomFlip = randomFlip;
        Captions = captions;
    }

    public IReadOnlyList<string> Captions { get; }

    public long[] ExampleShape => _examples.shape[1..];

    /// <summary>Pixels lie in [−1, 1]; latents are unbounded (no clip_sample).</summary>
    public double? ValueRange => _std is null ? 1.0 : null;

    public int? NumClasses => null;

    public TrainingBatch NextBatch(int batch, Generator generator)
    {
        using var scope = NewDisposeScope();
        var index = randint(_examples.shape[0], [batch], ScalarType.Int64, generator: generator);
        var examples = _examples.index_select(0, index);
        if (_std is not null) examples = examples + _std.index_select(0, index) * randn(examples.shape, generator: generator);
        else if (_randomFlip)
        {
            var flip = rand(batch, generator: generator).lt(0.5).view(-1, 1, 1, 1);
            examples = where(flip, examples.flip(3), examples);
        }
        var ids = _tokenIds.index_select(0, index);
        return new TrainingBatch(examples.MoveToOuterDisposeScope(), null)
        {
            TokenIds = ids.MoveToOuterDisposeScope(),
            EmptyPromptIds = _emptyPromptIds,
        };
    }
}
