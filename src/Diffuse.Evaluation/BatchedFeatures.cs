using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// A network's outputs (features, logits) over a large image set: in eval mode and without gradients,
/// <c>batch</c> images at a time so memory stays bounded, the module's training mode restored after.
/// </summary>
public static class BatchedFeatures
{
    public static Tensor Compute(nn.Module module, Tensor images, int batch, Func<Tensor, Tensor> features, Action<int>? onImages = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        bool wasTraining = module.training;
        module.eval();
        var parts = new List<Tensor>();
        try
        {
            using var noGrad = no_grad();
            for (long start = 0; start < images.shape[0]; start += batch)
            {
                using var scope = NewDisposeScope();
                var chunk = images.narrow(0, start, Math.Min(batch, images.shape[0] - start));
                parts.Add(features(chunk).MoveToOuterDisposeScope());
                onImages?.Invoke((int)(start + chunk.shape[0]));
            }
            return cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
            module.train(wasTraining);
        }
    }
}
