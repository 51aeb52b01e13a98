using Diffuse.Models;
using Diffuse.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// What a text-to-image run trains as one module, so that one optimiser, one EMA and one checkpoint cover both: the
/// <see cref="UNet2DConditionModel"/> (<c>unet.*</c>) and the CLIP text model (<c>text_encoder.*</c>) whose last hidden
/// state it cross-attends to. A frozen text encoder (one given from a folder) has no gradients and is run without them.
/// </summary>
public sealed class TextToImageNetworks : nn.Module, IDenoiser
{
    private readonly UNet2DConditionModel unet;
    private readonly ClipTextModel text_encoder;

    public TextToImageNetworks(UNet2DConditionModel unet, ClipTextModel textEncoder, bool freezeTextEncoder) : base(nameof(TextToImageNetworks))
    {
        this.unet = unet;
        text_encoder = textEncoder;
        FrozenTextEncoder = freezeTextEncoder;
        RegisterComponents();
        if (freezeTextEncoder)
            foreach (var p in text_encoder.parameters()) p.requires_grad = false;
    }

    public UNet2DConditionModel UNet => unet;

    public ClipTextModel TextEncoder => text_encoder;

    public bool FrozenTextEncoder { get; }

    /// <summary>The prompts' embeddings [B, L, D] (the text model's last hidden state) from token ids [B, L].</summary>
    public Tensor EncodePrompts(Tensor tokenIds)
    {
        if (!FrozenTextEncoder) return text_encoder.forward(tokenIds, null).LastHiddenState;
        using var noGrad = no_grad();
        return text_encoder.forward(tokenIds, null).LastHiddenState;
    }

    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null) => unet.Predict(sample, timesteps, conditioning);

}
