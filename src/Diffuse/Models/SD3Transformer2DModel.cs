using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The multimodal diffusion transformer of Stable Diffusion 3 (Esser et al. 2024, §4, Fig. 2) as diffusers'
/// <c>SD3Transformer2DModel</c>, with its state-dict keys: patchify with a stored sin-cos grid cropped to the image
/// (<c>pos_embed</c>), the conditioning vector from t and the pooled text embedding (<c>time_text_embed</c>), the text
/// tokens projected to the blocks' width (<c>context_embedder</c>), <c>transformer_blocks</c> of joint attention (the last
/// context_pre_only; SD3.5's <c>dual_attention_layers</c> and <c>qk_norm</c> when configured), <c>norm_out</c>,
/// <c>proj_out</c>, unpatchify. It predicts the flow velocity ε − x₀ at t = 1000·σ.
/// </summary>
public sealed class SD3Transformer2DModel : nn.Module<Tensor, Tensor, Tensor>, IDenoiser, IDiffusersModel
{
    private readonly PatchEmbed pos_embed;
    private readonly CombinedTimestepTextProjEmbeddings time_text_embed;
    private readonly Linear context_embedder;
    private readonly ModuleList<JointTransformerBlock> transformer_blocks = new();
    private readonly AdaLayerNormContinuous norm_out;
    private readonly Linear proj_out;

    public SD3Transformer2DConfig Config { get; }

    public SD3Transformer2DModel(SD3Transformer2DConfig config) : base(nameof(SD3Transformer2DModel))
    {
        config.Validate();
        Config = config;
        int dim = config.InnerDim;
        pos_embed = new PatchEmbed(config.SampleSize, config.PatchSize, config.InChannels, dim, config.PosEmbedMaxSize);
        time_text_embed = new CombinedTimestepTextProjEmbeddings(dim, config.PooledProjectionDim);
        context_embedder = nn.Linear(config.JointAttentionDim, config.CaptionProjectionDim);
        for (int i = 0; i < config.NumLayers; i++)
            transformer_blocks.Add(new JointTransformerBlock(dim, config.NumAttentionHeads, config.AttentionHeadDim,
                contextPreOnly: i == config.NumLayers - 1, config.QkNorm, dualAttention: config.DualAttentionLayers.Contains(i)));
        norm_out = new AdaLayerNormContinuous(dim, dim, 1e-6);
        proj_out = nn.Linear(dim, config.PatchSize * config.PatchSize * config.Channels);
        RegisterComponents();
    }

    public string Library => "diffusers";
    public string ClassName => SD3Transformer2DConfig.DiffusersClassName;
    public void SaveConfig(string path) => Config.Save(path);

    public IReadOnlyList<(string Name, string Value)> Describe()
    {
        var c = Config;
        var rows = new List<(string, string)>
        {
            ("network", ClassName),
            ("latent", $"{c.InChannels}×{c.SampleSize}×{c.SampleSize}" + (c.Channels != c.InChannels ? $" → {c.Channels}" : "")),
            ("patches", $"{c.PatchSize}×{c.PatchSize}, position grid {c.PosEmbedMaxSize?.ToString(CultureInfo.InvariantCulture) ?? "—"}²"),
            ("blocks", $"{c.NumLayers} of width {c.InnerDim} ({c.NumAttentionHeads} heads of {c.AttentionHeadDim})"),
            ("text", $"tokens of {c.JointAttentionDim}, pooled {c.PooledProjectionDim}"),
        };
        if (c.QkNorm is not null) rows.Add(("qk norm", c.QkNorm));
        if (c.DualAttentionLayers.Length > 0) rows.Add(("dual attention", string.Join(", ", c.DualAttentionLayers)));
        return rows;
    }

    public override Tensor forward(Tensor sample, Tensor timesteps) => Predict(sample, timesteps);

    /// <summary>
    /// The velocity for <paramref name="sample"/> [B, C, H, W] at <paramref name="timesteps"/> (1000·σ), reading the text
    /// tokens from <see cref="Conditioning.EncoderHiddenStates"/> [B, L, joint_attention_dim] and the pooled embedding
    /// from <see cref="Conditioning.PooledEmbeddings"/> [B, pooled_projection_dim].
    /// </summary>
    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        conditioning ??= Conditioning.None;
        conditioning.OnlyUses(ClassName, nameof(Conditioning.EncoderHiddenStates), nameof(Conditioning.PooledEmbeddings));
        long batch = sample.shape[0];
        conditioning.CheckBatch(batch);
        Patches.CheckSample(sample, Config.InChannels, Config.PatchSize, ClassName);
        var states = conditioning.EncoderHiddenStates ?? throw new DiffuseException($"{ClassName} needs EncoderHiddenStates (the text encoders' token embeddings, prompt_embeds)");
        var pooled = conditioning.PooledEmbeddings ?? throw new DiffuseException($"{ClassName} needs PooledEmbeddings (pooled_prompt_embeds)");
        if (states.dim() != 3 || states.shape[2] != Config.JointAttentionDim)
            throw new DiffuseArgumentException(nameof(Conditioning.EncoderHiddenStates), $"must be [batch, tokens, {Config.JointAttentionDim}] (joint_attention_dim; got shape [{string.Join(", ", states.shape)}])");
        if (pooled.dim() != 2 || pooled.shape[1] != Config.PooledProjectionDim)
            throw new DiffuseArgumentException(nameof(Conditioning.PooledEmbeddings), $"must be [batch, {Config.PooledProjectionDim}] (pooled_projection_dim; got shape [{string.Join(", ", pooled.shape)}])");
        using var scope = NewDisposeScope();
        var dtype = sample.dtype;
        var t = Patches.PerSample(timesteps, batch, sample.device);
        long h = sample.shape[2] / Config.PatchSize, w = sample.shape[3] / Config.PatchSize;
        var x = pos_embed.forward(sample);
        var temb = time_text_embed.forward(t, pooled.to(sample.device).to(dtype));
        Tensor? context = context_embedder.forward(states.to(sample.device).to(dtype));
        foreach (var block in transformer_blocks) (context, x) = block.forward(x, context!, temb);
        x = proj_out.forward(norm_out.forward(x, temb));
        return Patches.Unpatchify(x, h, w, Config.PatchSize, Config.Channels).MoveToOuterDisposeScope();
    }
}
