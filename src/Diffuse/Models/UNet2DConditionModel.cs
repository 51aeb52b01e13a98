using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The text-conditioned latent U-Net of Stable Diffusion 1.x and 2.x (Rombach et al. 2022) as diffusers'
/// <c>UNet2DConditionModel</c> builds it, with the same state-dict keys (<c>conv_in</c>, <c>time_embedding.linear_1</c>,
/// <c>down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k</c>, <c>mid_block</c>, <c>up_blocks</c>,
/// <c>conv_norm_out</c>, <c>conv_out</c>), so a diffusers checkpoint loads without a rename table. It reads the
/// text encoder's states from <see cref="Conditioning.EncoderHiddenStates"/>, with an optional padding mask.
/// </summary>
public sealed class UNet2DConditionModel : nn.Module<Tensor, Tensor, Tensor>, IDenoiser, IDiffusersModel
{
    private readonly Conv2d conv_in;
    private readonly SinusoidalTimestepEmbedding time_proj;
    private readonly TimestepEmbedding time_embedding;
    private readonly Embedding? class_embedding;
    private readonly ModuleList<nn.Module> down_blocks = new();
    private readonly UNetMidBlock2DCrossAttn mid_block;
    private readonly ModuleList<nn.Module> up_blocks = new();
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    public UNet2DConditionConfig Config { get; }

    public UNet2DConditionModel(UNet2DConditionConfig config) : base(nameof(UNet2DConditionModel))
    {
        config.Validate();
        Config = config;
        var channels = config.BlockOutChannels;
        int levels = channels.Length, groups = config.NormNumGroups!.Value, temb = config.TimeEmbedDim;
        var (layers, heads) = (config.LayersPerBlockPerBlock(), config.HeadsPerBlock());
        var (crossDims, transformerLayers) = (config.CrossAttentionDimPerBlock(), config.TransformerLayersPerBlockPerBlock());

        conv_in = nn.Conv2d(config.InChannels, channels[0], config.ConvInKernel, padding: (config.ConvInKernel - 1) / 2);
        time_proj = new SinusoidalTimestepEmbedding(channels[0], config.FlipSinToCos, config.FreqShift);
        time_embedding = new TimestepEmbedding(channels[0], temb);
        if (config.NumClassEmbeds is int classes) class_embedding = nn.Embedding(classes, temb);

        int output = channels[0];
        for (int i = 0; i < levels; i++)
        {
            int input = output;
            output = channels[i];
            bool addDownsample = i < levels - 1;
            down_blocks.Add(config.DownBlockTypes[i] == "CrossAttnDownBlock2D"
                ? new CrossAttnDownBlock2D(input, output, temb, layers[i], transformerLayers[i], heads[i], crossDims[i], addDownsample, config)
                : new DownBlock2D(input, output, temb, layers[i], addDownsample, groups, config.NormEps, config.Dropout, config.DownsamplePadding));
        }

        mid_block = new UNetMidBlock2DCrossAttn(channels[^1], temb, transformerLayers[^1], heads[^1], crossDims[^1], config);

        // The up path reads every per-block list backwards, as diffusers reverses them.
        output = channels[^1];
        for (int i = 0; i < levels; i++)
        {
            int level = levels - 1 - i;
            int prevOutput = output;
            output = channels[level];
            int input = channels[Math.Max(level - 1, 0)];
            bool addUpsample = i < levels - 1;
            up_blocks.Add(config.UpBlockTypes[i] == "CrossAttnUpBlock2D"
                ? new CrossAttnUpBlock2D(input, prevOutput, output, temb, layers[level] + 1, transformerLayers[level], heads[level], crossDims[level], addUpsample, config)
                : new UpBlock2D(input, prevOutput, output, temb, layers[level] + 1, addUpsample, groups, config.NormEps, config.Dropout));
        }

        conv_norm_out = Normalization.GroupNorm(groups, channels[0], config.NormEps);
        conv_out = nn.Conv2d(channels[0], config.OutChannels, config.ConvOutKernel, padding: (config.ConvOutKernel - 1) / 2);
        RegisterComponents();
    }

    public string Library => "diffusers";

    public string ClassName => nameof(UNet2DConditionModel);

    public void SaveConfig(string path) => Config.Save(path);

    public IReadOnlyList<(string Name, string Value)> Describe()
    {
        var c = Config;
        string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
        var rows = new List<(string, string)>
        {
            ("network", nameof(UNet2DConditionModel)),
            ("latent", $"{c.InChannels}×{c.SampleSize?.ToString() ?? "?"}" + (c.InChannels != c.OutChannels ? $" → {c.OutChannels}" : "")),
            ("levels", string.Join(", ", c.BlockOutChannels.Zip(c.DownBlockTypes, (ch, t) => $"{t} {ch}"))),
            ("layers per block", c.LayersPerBlock.ToString()),
            ("attention heads", string.Join(", ", c.HeadsPerBlock().Select(Text))),
            ("cross-attention dim", c.CrossAttentionDim.ToString()),
            ("projection", c.UseLinearProjection ? "linear" : "1×1 convolution"),
        };
        if (c.UpcastAttention) rows.Add(("upcast attention", "yes"));
        if (c.NumClassEmbeds is int k) rows.Add(("class embeddings", Text(k)));
        return rows;
    }

    /// <summary>The two-argument module face, without text states: it fails naming them, as the network cannot run without.</summary>
    public override Tensor forward(Tensor sample, Tensor timesteps) => Predict(sample, timesteps);

    /// <summary>
    /// ε (or v) for <paramref name="sample"/> [B, C, H, W] at <paramref name="timesteps"/> (one per sample, or one
    /// for the batch), cross-attending to <see cref="Conditioning.EncoderHiddenStates"/> [B, L, D]. An
    /// <see cref="Conditioning.EncoderAttentionMask"/> [B, L] (1 keep, 0 drop) becomes an additive bias of −10000 on
    /// the dropped tokens' scores, as diffusers' forward makes it; an <see cref="Conditioning.ImageCondition"/> is
    /// concatenated to the sample's channels (the mask and masked-image latents of an inpainting UNet).
    /// </summary>
    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        conditioning ??= Conditioning.None;
        string[] uses = class_embedding is null
            ? [nameof(Conditioning.EncoderHiddenStates), nameof(Conditioning.EncoderAttentionMask), nameof(Conditioning.ImageCondition)]
            : [nameof(Conditioning.EncoderHiddenStates), nameof(Conditioning.EncoderAttentionMask), nameof(Conditioning.ImageCondition), nameof(Conditioning.ClassLabels)];
        conditioning.OnlyUses(nameof(UNet2DConditionModel), uses);
        long batch = sample.shape[0];
        conditioning.CheckBatch(batch);
        using var scope = NewDisposeScope();
        var dtype = sample.dtype;
        var (states, bias) = CrossAttentionInputs(conditioning, dtype, sample.device);

        if (conditioning.ImageCondition is { } image) sample = cat([sample, image.to(dtype)], 1);
        if (sample.shape[1] != Config.InChannels)
            throw new DiffuseException($"{nameof(UNet2DConditionModel)} takes {Config.InChannels} input channels, got {sample.shape[1]}"
                                       + (conditioning.ImageCondition is null && Config.InChannels > Config.OutChannels ? " (it expects an image condition concatenated to the sample)" : ""));
        if (Config.CenterInputSample) sample = 2 * sample - 1.0;

        timesteps = timesteps.to(sample.device);
        if (timesteps.dim() > 1 || (timesteps.dim() == 1 && timesteps.shape[0] != 1 && timesteps.shape[0] != batch))
            throw new DiffuseArgumentException("timesteps", $"must hold one timestep or one per sample (got shape [{string.Join(", ", timesteps.shape)}] for {batch} samples)");
        var t = timesteps.reshape(-1).expand(batch);
        var emb = time_embedding.forward(time_proj.forward(t).to(dtype));
        if (class_embedding is not null)
        {
            if (conditioning.ClassLabels is not { } labels) throw new DiffuseException("this model is class-conditional: class labels are required");
            emb = emb + class_embedding.forward(labels.to(sample.device)).to(dtype);
        }

        var x = conv_in.forward(sample);
        var skips = new List<Tensor> { x };
        foreach (var block in down_blocks)
            x = block is CrossAttnDownBlock2D crossAttn
                ? crossAttn.forward(x, emb, skips, states, bias)
                : ((DownBlock2D)block).forward(x, emb, skips);
        x = mid_block.forward(x, emb, states, bias);
        // When a side is not a multiple of 2^(levels − 1), each upsampler is told the size of the skip it meets,
        // as diffusers forwards upsample_size.
        long factor = 1L << (up_blocks.Count - 1);
        bool forwardSize = sample.shape[2] % factor != 0 || sample.shape[3] % factor != 0;
        foreach (var block in up_blocks)
        {
            int consumed = block is CrossAttnUpBlock2D c ? c.NumLayers : ((UpBlock2D)block).NumLayers;
            long[]? size = forwardSize && skips.Count > consumed ? skips[^(consumed + 1)].shape[2..] : null;
            x = block is CrossAttnUpBlock2D crossAttn
                ? crossAttn.forward(x, emb, skips, states, bias, size)
                : ((UpBlock2D)block).forward(x, emb, skips, size);
        }
        x = conv_out.forward(nn.functional.silu(conv_norm_out.forward(x)));
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The text states in the model's dtype, and the mask as an additive bias [B, 1, 1, L] (null without a mask).</summary>
    private (Tensor States, Tensor? Bias) CrossAttentionInputs(Conditioning conditioning, ScalarType dtype, Device device)
    {
        var states = conditioning.EncoderHiddenStates
            ?? throw new DiffuseException($"{nameof(UNet2DConditionModel)} needs EncoderHiddenStates (the text encoder's hidden states) to cross-attend to");
        if (states.dim() != 3)
            throw new DiffuseArgumentException(nameof(Conditioning.EncoderHiddenStates), $"must be [batch, tokens, features] (got shape [{string.Join(", ", states.shape)}])");
        foreach (int dim in Config.CrossAttentionDimPerBlock().Distinct())
            if (states.shape[2] != dim)
                throw new DiffuseArgumentException(nameof(Conditioning.EncoderHiddenStates), $"have {states.shape[2]} features but the model's cross_attention_dim is {dim}");
        states = states.to(device).to(dtype);
        if (conditioning.EncoderAttentionMask is not { } mask) return (states, null);
        if (mask.dim() != 2 || mask.shape[1] != states.shape[1])
            throw new DiffuseArgumentException(nameof(Conditioning.EncoderAttentionMask), $"must be [batch, {states.shape[1]}] like the hidden states' tokens (got shape [{string.Join(", ", mask.shape)}])");
        // diffusers' UNet2DConditionModel.forward: (1 − mask) · −10000, keep = +0, discard = −10000.
        var bias = (1 - mask.to(device).to(dtype)) * -10000.0;
        return (states, bias.unsqueeze(1).unsqueeze(1));
    }
}
