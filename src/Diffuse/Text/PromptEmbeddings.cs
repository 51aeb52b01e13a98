using static TorchSharp.torch;

namespace Diffuse.Text;

/// <summary>
/// Prompts as a Stable Diffusion UNet takes them: <see cref="Embeddings"/> [B, 77, D] (diffusers' <c>prompt_embeds</c>),
/// <see cref="Pooled"/> [B, D] (the text model's pooled output at eos; SD 1.x and 2.x pipelines do not use it),
/// <see cref="InputIds"/> [B, 77] and each prompt's <see cref="Tokens"/> (to tell a user that a prompt was truncated).
/// Disposing it disposes the tensors.
/// </summary>
public sealed record PromptEmbeddings(Tensor Embeddings, Tensor Pooled, Tensor InputIds, IReadOnlyList<ClipTokenization> Tokens) : IDisposable
{
    public void Dispose()
    {
        Embeddings.Dispose();
        Pooled.Dispose();
        InputIds.Dispose();
    }
}
