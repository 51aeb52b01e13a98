using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The Diffusion Transformer (Peebles &amp; Xie 2023, "Scalable Diffusion Models with Transformers") as diffusers'
/// <c>DiTTransformer2DModel</c>, with its state-dict keys: patchify with a fixed sin-cos position embedding
/// (<c>pos_embed</c>), <c>transformer_blocks</c> with adaLN-Zero conditioned on t and the class label, and the final
/// layer: layer norm modulated by block 0's conditioning through <c>proj_out_1</c>, <c>proj_out_2</c> to p·p·C per
/// token, unpatchify. With <c>out_channels</c> = 2 × <c>in_channels</c> the second half is the learned variance
/// interpolation (Nichol &amp; Dhariwal 2021), which the pipeline splits off.
/// </summary>
public sealed class DiTTransformer2DModel : nn.Module<Tensor, Tensor, Tensor>, IDenoiser, IDiffusersModel
{
    private readonly PatchEmbed pos_embed;
    private readonly ModuleList<DiTTransformerBlock> transformer_blocks = new();
    private readonly Linear proj_out_1;
    private readonly Linear proj_out_2;

    public DiTTransformer2DConfig Config { get; }

    public DiTTransformer2DModel(DiTTransformer2DConfig config) : base(nameof(DiTTransformer2DModel))
    {
        config.Validate();
        Config = config;
        int dim = config.InnerDim;
        pos_embed = new PatchEmbed(config.SampleSize, config.PatchSize, config.InChannels, dim);
        for (int i = 0; i < config.NumLayers; i++) transformer_blocks.Add(new DiTTransformerBlock(config));
        proj_out_1 = nn.Linear(dim, 2 * dim);
        proj_out_2 = nn.Linear(dim, config.PatchSize * config.PatchSize * config.Channels);
        RegisterComponents();
    }

    public string Library => "diffusers";
    public string ClassName => DiTTransformer2DConfig.DiffusersClassName;
    public void SaveConfig(string path) => Config.Save(path);

    /// <summary>The class index meaning "no class": the last row of the class table, K = <c>num_embeds_ada_norm</c>.</summary>
    public int NullClass => Config.NumEmbedsAdaNorm!.Value;

    public IReadOnlyList<(string Name, string Value)> Describe()
    {
        var c = Config;
        string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
        return
        [
            ("network", ClassName),
            ("sample", $"{c.InChannels}×{c.SampleSize}×{c.SampleSize}" + (c.LearnedSigma ? " (learned σ: 2× output channels)" : c.Channels != c.InChannels ? $" → {c.Channels}" : "")),
            ("patches", $"{c.PatchSize}×{c.PatchSize}, {Text(c.SampleSize / c.PatchSize * (c.SampleSize / c.PatchSize))} tokens"),
            ("blocks", $"{c.NumLayers} of width {c.InnerDim} ({c.NumAttentionHeads} heads of {c.AttentionHeadDim})"),
            ("classes", $"{c.NumEmbedsAdaNorm} (null class {NullClass})"),
        ];
    }

    public override Tensor forward(Tensor sample, Tensor timesteps) => Predict(sample, timesteps);

    /// <summary>
    /// All output channels for <paramref name="sample"/> [B, C, H, W] at <paramref name="timesteps"/>, for the classes in
    /// <see cref="Conditioning.ClassLabels"/> (none: the null class, the model's unconditional mode).
    /// </summary>
    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        conditioning ??= Conditioning.None;
        conditioning.OnlyUses(ClassName, nameof(Conditioning.ClassLabels));
        long batch = sample.shape[0];
        conditioning.CheckBatch(batch);
        Patches.CheckSample(sample, Config.InChannels, Config.PatchSize, ClassName);
        using var scope = NewDisposeScope();
        var t = Patches.PerSample(timesteps, batch, sample.device);
        var labels = conditioning.ClassLabels?.to(sample.device).to(int64) ?? full([batch], NullClass, dtype: int64, device: sample.device);
        long h = sample.shape[2] / Config.PatchSize, w = sample.shape[3] / Config.PatchSize;
        var x = pos_embed.forward(sample);
        foreach (var block in transformer_blocks) x = block.forward(x, t, labels);
        var c = transformer_blocks[0].Embed(t, labels).to(x.dtype);
        var modulation = proj_out_1.forward(nn.functional.silu(c)).chunk(2, 1);
        var (shift, scale) = (modulation[0], modulation[1]);
        x = nn.functional.layer_norm(x, [Config.InnerDim], eps: 1e-6) * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1);
        x = proj_out_2.forward(x);
        return Patches.Unpatchify(x, h, w, Config.PatchSize, Config.Channels).MoveToOuterDisposeScope();
    }
}
