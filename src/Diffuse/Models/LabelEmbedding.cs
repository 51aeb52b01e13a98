using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// DiT's class embedding as diffusers' <c>LabelEmbedding</c>: <c>embedding_table</c> with one row per class and one more,
/// row K, for "no class" (classifier-free guidance, Peebles &amp; Xie 2023, §3.2). diffusers also drops labels at random
/// in training mode; here the trainer does that (<c>cond_drop</c>), so the table is a plain lookup.
/// </summary>
public sealed class LabelEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embedding_table;

    public LabelEmbedding(int numClasses, int dim) : base(nameof(LabelEmbedding))
    {
        embedding_table = nn.Embedding(numClasses + 1, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor labels) => embedding_table.forward(labels);
}
