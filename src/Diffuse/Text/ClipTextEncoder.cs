using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Text;

/// <summary>
/// The text side of a Stable Diffusion pipeline: a <see cref="ClipTokenizer"/> and a <see cref="ClipTextModel"/> turning
/// prompts into the embeddings the UNet attends to, as diffusers' <c>StableDiffusionPipeline.encode_prompt</c> computes
/// them (pipeline_stable_diffusion.py, v0.31): each prompt padded and truncated to the tokenizer's
/// <c>model_max_length</c>; the text model's <c>last_hidden_state</c>, or with <c>clip_skip</c> k the hidden state k
/// layers before the last put through the final layer norm. The padding mask goes to the model only when the text
/// encoder's config sets <c>use_attention_mask</c>, as there.
/// </summary>
public sealed class ClipTextEncoder : IDisposable
{
    public const string TokenizerFolder = "tokenizer";
    public const string TextEncoderFolder = "text_encoder";

    public ClipTokenizer Tokenizer { get; }

    public ClipTextModel TextModel { get; }

    /// <summary>Pairs a tokenizer with a text model, checking that every id the tokenizer gives has an embedding.</summary>
    public ClipTextEncoder(ClipTokenizer tokenizer, ClipTextModel textModel)
    {
        var config = textModel.Config;
        if (tokenizer.ModelMaxLength > config.MaxPositionEmbeddings)
            throw new DiffuseException($"the tokenizer's model_max_length {tokenizer.ModelMaxLength} exceeds the text encoder's max_position_embeddings {config.MaxPositionEmbeddings}");
        int largest = new[] { tokenizer.VocabSize - 1, tokenizer.BosTokenId, tokenizer.EosTokenId, tokenizer.PadTokenId, tokenizer.UnknownTokenId }
            .Concat(tokenizer.Config.AddedTokens.Values).Max();
        if (largest >= config.VocabSize)
            throw new DiffuseException($"the tokenizer gives token id {largest} but the text encoder embeds only vocab_size {config.VocabSize} tokens");
        Tokenizer = tokenizer;
        TextModel = textModel;
    }

    /// <summary>The <c>tokenizer/</c> and <c>text_encoder/</c> of a pipeline folder.</summary>
    public static ClipTextEncoder Load(string pipelineFolder, Device? device = null)
    {
        var tokenizer = ClipTokenizer.Load(Path.Combine(pipelineFolder, TokenizerFolder));
        var model = ClipTextModel.Load(Path.Combine(pipelineFolder, TextEncoderFolder), device);
        try { return new ClipTextEncoder(tokenizer, model); }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The prompt embeddings [B, T, D] of <paramref name="prompts"/> and the pooled output [B, D].
    /// <paramref name="clipSkip"/> (diffusers' <c>clip_skip</c>): null for the last layer; k to take the output of the
    /// layer k before the last (1 = the penultimate), through the final layer norm.
    /// </summary>
    public PromptEmbeddings Encode(IReadOnlyList<string> prompts, int? clipSkip = null)
    {
        if (prompts is null || prompts.Count == 0) throw new DiffuseArgumentException("prompt", "must hold at least one prompt");
        int layers = TextModel.Config.NumHiddenLayers;
        if (clipSkip is int skip && (skip < 0 || skip > layers))
            throw new DiffuseArgumentException("clip_skip", $"must be from 0 to {layers}, the layers of the text encoder (got {skip})");
        var tokens = prompts.Select(p => Tokenizer.Encode(p)).ToArray();
        int length = tokens[0].InputIds.Length;

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = TextModel.parameters().First().device;
        var ids = tensor(tokens.SelectMany(t => t.InputIds.Select(id => (long)id)).ToArray(), [tokens.Length, length]).to(device);
        var mask = TextModel.Config.UseAttentionMask == true
            ? tensor(tokens.SelectMany(t => t.AttentionMask.Select(m => (long)m)).ToArray(), [tokens.Length, length]).to(device)
            : null;
        var output = TextModel.forward(ids, mask);
        var embeddings = clipSkip is int k ? TextModel.FinalLayerNorm(output.HiddenStates[^(k + 1)]) : output.LastHiddenState;
        return new PromptEmbeddings(embeddings.MoveToOuterDisposeScope(), output.PooledOutput.MoveToOuterDisposeScope(),
                                    ids.MoveToOuterDisposeScope(), tokens);
    }

    /// <summary>Writes the <c>tokenizer/</c> and <c>text_encoder/</c> (config.json, model.safetensors) of a pipeline folder.</summary>
    public void Save(string pipelineFolder)
    {
        Tokenizer.Save(Path.Combine(pipelineFolder, TokenizerFolder));
        TextModel.Save(Path.Combine(pipelineFolder, TextEncoderFolder));
    }

    public void Dispose() => TextModel.Dispose();
}
