using static TorchSharp.torch;

namespace Diffuse.Text;

/// <summary>
/// What <see cref="ClipTextModel"/> returns (transformers' <c>BaseModelOutputWithPooling</c> with
/// <c>output_hidden_states=True</c>): <see cref="LastHiddenState"/> [B, T, D] after the final layer norm,
/// <see cref="PooledOutput"/> [B, D] at the eos position, and <see cref="HiddenStates"/>: the embeddings and then each
/// layer's output, N + 1 tensors [B, T, D] without the final layer norm. Disposing it disposes them all.
/// </summary>
public sealed record ClipTextModelOutput(Tensor LastHiddenState, Tensor PooledOutput, IReadOnlyList<Tensor> HiddenStates) : IDisposable
{
    public void Dispose()
    {
        LastHiddenState.Dispose();
        PooledOutput.Dispose();
        foreach (var h in HiddenStates) h.Dispose();
    }
}
