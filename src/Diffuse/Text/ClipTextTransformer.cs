using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Text;

/// <summary>
/// CLIP's text transformer (transformers' <c>CLIPTextTransformer</c>): embeddings, causal pre-norm layers, a final layer
/// norm, and the pooled output taken at the eos token. Keys: <c>embeddings</c>, <c>encoder.layers.{i}</c>,
/// <c>final_layer_norm</c>.
/// </summary>
public sealed class ClipTextTransformer : nn.Module<Tensor, Tensor?, ClipTextModelOutput>
{
    private readonly ClipTextEmbeddings embeddings;
    private readonly ClipEncoder encoder;
    private readonly LayerNorm final_layer_norm;
    private readonly ClipTextConfig _config;

    public ClipTextTransformer(ClipTextConfig config) : base(nameof(ClipTextTransformer))
    {
        _config = config;
        embeddings = new ClipTextEmbeddings(config);
        encoder = new ClipEncoder(config);
        final_layer_norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>The final layer norm alone, as diffusers applies it to an earlier hidden state for clip skip.</summary>
    public Tensor FinalLayerNorm(Tensor hidden) => final_layer_norm.forward(hidden);

    /// <param name="inputIds">[B, T] token ids (int64).</param>
    /// <param name="attentionMask">[B, T], 1 for tokens and 0 for padding, or null to attend to every earlier position.</param>
    public override ClipTextModelOutput forward(Tensor inputIds, Tensor? attentionMask)
    {
        if (inputIds.dim() != 2) throw new DiffuseArgumentException("input_ids", $"must have shape [batch, tokens] (got [{string.Join(", ", inputIds.shape)}])");
        long b = inputIds.shape[0], t = inputIds.shape[1];
        if (t > _config.MaxPositionEmbeddings)
            throw new DiffuseArgumentException("input_ids", $"has {t} tokens, more than max_position_embeddings {_config.MaxPositionEmbeddings}");
        if (attentionMask is not null && !attentionMask.shape.SequenceEqual(inputIds.shape))
            throw new DiffuseArgumentException("attention_mask", $"must have the shape of input_ids [{b}, {t}] (got [{string.Join(", ", attentionMask.shape)}])");

        using var scope = NewDisposeScope();
        var ids = inputIds.to(ScalarType.Int64);
        var hidden = embeddings.forward(ids);
        var layers = encoder.forward(hidden, AttentionBias(ids, attentionMask, hidden.dtype));
        var last = final_layer_norm.forward(layers[^1]);

        // The eos position (modeling_clip.py): configs from before transformers PR #24773 say eos_token_id 2, and there
        // the eos token is found as the largest id (49407); otherwise it is the first position holding eos_token_id.
        var eosAt = _config.EosTokenId == 2
            ? ids.argmax(-1)
            : ids.eq(_config.EosTokenId).to(ScalarType.Int32).argmax(-1);
        var pooled = last.gather(1, eosAt.view(b, 1, 1).expand(b, 1, last.shape[2])).squeeze(1);

        var hiddenStates = layers.Prepend(hidden).Select(h => h.MoveToOuterDisposeScope()).ToArray();
        return new ClipTextModelOutput(last.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope(), hiddenStates);
    }

    /// <summary>
    /// The additive mask [B, 1, T, T]: 0 where query i may attend to key j (j ≤ i, CLIP's text side is causal, and j not
    /// padding), the dtype's lowest value elsewhere, as transformers builds it (so a fully masked row gives no NaN).
    /// </summary>
    private static Tensor AttentionBias(Tensor ids, Tensor? attentionMask, ScalarType dtype)
    {
        long b = ids.shape[0], t = ids.shape[1];
        var allowed = ones(t, t, ScalarType.Bool, ids.device).tril().view(1, 1, t, t);
        if (attentionMask is not null) allowed = allowed.logical_and(attentionMask.to(ids.device).ne(0).view(b, 1, 1, t));
        double lowest = dtype == ScalarType.Float64 ? double.MinValue : dtype == ScalarType.Float32 ? float.MinValue : (double)finfo(dtype).min;
        return zeros(allowed.shape, dtype, ids.device).masked_fill(allowed.logical_not(), lowest).expand(b, 1, t, t);
    }
}
