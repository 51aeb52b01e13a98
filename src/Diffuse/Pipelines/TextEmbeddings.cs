using Diffuse.Formats;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// A prompt as SD3's three text encoders would give it (diffusers' <c>StableDiffusion3Pipeline</c> arguments of the same
/// names): <c>prompt_embeds</c> [B, L, D] (CLIP-L and CLIP-G token states padded and joined with T5's), 
/// <c>pooled_prompt_embeds</c> [B, P] (the two CLIPs' pooled outputs), and for guidance the negative prompt's two. B is 1
/// (repeated for every sample) or the number of samples. Disposing it disposes the tensors.
/// </summary>
public sealed record TextEmbeddings(Tensor PromptEmbeds, Tensor PooledPromptEmbeds, Tensor? NegativePromptEmbeds = null,
                                    Tensor? NegativePooledPromptEmbeds = null) : IDisposable
{
    public const string PromptEmbedsKey = "prompt_embeds";
    public const string PooledPromptEmbedsKey = "pooled_prompt_embeds";
    public const string NegativePromptEmbedsKey = "negative_prompt_embeds";
    public const string NegativePooledPromptEmbedsKey = "negative_pooled_prompt_embeds";

    /// <summary>Reads a safetensors file holding the tensors under those names (the negative pair optional, but both or neither).</summary>
    public static TextEmbeddings Load(string path)
    {
        if (!File.Exists(path)) throw new DiffuseArgumentException("prompt_embeds", $"file '{path}' not found");
        var tensors = SafetensorsFile.Read(path);
        Tensor Take(string key) => tensors.Remove(key, out var t) ? t.to(float32)
            : throw new DiffuseArgumentException("prompt_embeds", $"{path} has no tensor '{key}' (it holds {string.Join(", ", tensors.Keys.Order())})");
        try
        {
            var (embeds, pooled) = (Take(PromptEmbedsKey), Take(PooledPromptEmbedsKey));
            bool hasNegative = tensors.ContainsKey(NegativePromptEmbedsKey), hasNegativePooled = tensors.ContainsKey(NegativePooledPromptEmbedsKey);
            if (hasNegative != hasNegativePooled)
                throw new DiffuseArgumentException("prompt_embeds", $"{path} must hold both {NegativePromptEmbedsKey} and {NegativePooledPromptEmbedsKey}, or neither");
            var result = hasNegative
                ? new TextEmbeddings(embeds, pooled, Take(NegativePromptEmbedsKey), Take(NegativePooledPromptEmbedsKey))
                : new TextEmbeddings(embeds, pooled);
            result.Check(path);
            return result;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    void Check(string source)
    {
        void Fail(string problem) => throw new DiffuseArgumentException("prompt_embeds", $"{source}: {problem}");
        if (PromptEmbeds.dim() != 3) Fail($"{PromptEmbedsKey} must be [batch, tokens, features] (got [{string.Join(", ", PromptEmbeds.shape)}])");
        if (PooledPromptEmbeds.dim() != 2 || PooledPromptEmbeds.shape[0] != PromptEmbeds.shape[0])
            Fail($"{PooledPromptEmbedsKey} must be [batch, features] with the batch of {PromptEmbedsKey} (got [{string.Join(", ", PooledPromptEmbeds.shape)}])");
        if (NegativePromptEmbeds is { } n && NegativePooledPromptEmbeds is { } np
            && (!n.shape.Skip(1).SequenceEqual(PromptEmbeds.shape.Skip(1)) || !np.shape.Skip(1).SequenceEqual(PooledPromptEmbeds.shape.Skip(1)) || n.shape[0] != np.shape[0]))
            Fail("the negative embeddings must have the shapes of the positive ones");
    }

    public void Dispose()
    {
        PromptEmbeds.Dispose();
        PooledPromptEmbeds.Dispose();
        NegativePromptEmbeds?.Dispose();
        NegativePooledPromptEmbeds?.Dispose();
    }
}
