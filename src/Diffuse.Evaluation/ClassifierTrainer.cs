using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// Trains a <see cref="FashionClassifier"/> with cross-entropy and AdamW (Loshchilov &amp; Hutter 2019)
/// for whole epochs over a seeded shuffle, so a run is reproducible from its seed. One dispose scope per step.
/// </summary>
public sealed class ClassifierTrainer
{
    public int Epochs { get; init; } = 5;
    public int Batch { get; init; } = 128;
    public double LearningRate { get; init; } = 1e-3;
    public double WeightDecay { get; init; } = 1e-2;
    public long Seed { get; init; }

    /// <summary>Steps of one epoch over <paramref name="count"/> images (the last batch may be short).</summary>
    public int StepsPerEpoch(int count) => (count + Batch - 1) / Batch;

    /// <summary>A new classifier whose initial weights come from <see cref="Seed"/> (through the global generator).</summary>
    public FashionClassifier Create(FashionClassifierConfig config)
    {
        random.manual_seed(Seed);
        return new FashionClassifier(config);
    }

    /// <summary>Trains in place on images [N, C, H, W] in [−1, 1] with int64 labels [N];
    /// <paramref name="onStep"/> gets (step, total steps, loss).</summary>
    public void Train(FashionClassifier classifier, Tensor images, Tensor labels, Action<int, int, double>? onStep = null)
    {
        if (Epochs <= 0) throw new DiffuseArgumentException("epochs", $"must be positive (got {Epochs})");
        if (Batch <= 0) throw new DiffuseArgumentException("batch", $"must be positive (got {Batch})");
        if (!(LearningRate > 0)) throw new DiffuseArgumentException("lr", $"must be positive (got {LearningRate})");
        classifier.CheckShape(images);
        int count = (int)images.shape[0];
        if (labels.shape[0] != count) throw new ArgumentException("one label per image expected", nameof(labels));
        long maxLabel = labels.max().item<long>();
        if (maxLabel >= classifier.Config.NumClasses)
            throw new DiffuseException($"label {maxLabel} is out of range for a classifier of {classifier.Config.NumClasses} classes");

        using var generator = new Generator().manual_seed(Seed + 1);
        using var optimizer = optim.AdamW(classifier.parameters(), LearningRate, weight_decay: WeightDecay);
        classifier.train();
        int total = Epochs * StepsPerEpoch(count), step = 0;
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            using var order = randperm(count, generator: generator);
            for (int start = 0; start < count; start += Batch)
            {
                using var scope = NewDisposeScope();
                var index = order.narrow(0, start, Math.Min(Batch, count - start));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(classifier.Logits(images.index_select(0, index)), labels.index_select(0, index));
                loss.backward();
                optimizer.step();
                onStep?.Invoke(++step, total, loss.item<float>());
            }
        }
        classifier.eval();
    }

    /// <summary>Fraction of <paramref name="images"/> whose most likely class is their label.</summary>
    public static double Accuracy(FashionClassifier classifier, Tensor images, Tensor labels, int batch = 500)
    {
        classifier.CheckShape(images);
        using var scope = NewDisposeScope();
        var logits = BatchedFeatures.Compute(classifier, images, batch, classifier.Logits);
        return (double)logits.argmax(1).eq(labels).sum().item<long>() / images.shape[0];
    }
}
