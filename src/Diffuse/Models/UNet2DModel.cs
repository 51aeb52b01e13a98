using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The denoising U-Net of Ho et al. 2020 as diffusers' <c>UNet2DModel</c> builds it, with the same
/// state-dict keys (<c>conv_in</c>, <c>time_embedding.linear_1</c>, <c>down_blocks.0.resnets.0.conv1</c>,
/// <c>mid_block.attentions.0.to_q</c>, <c>up_blocks</c>, <c>conv_norm_out</c>, <c>conv_out</c>), so a
/// diffusers checkpoint loads without a rename table.
/// </summary>
public sealed class UNet2DModel : nn.Module<Tensor, Tensor, Tensor>, IDenoiser, IDiffusersModel
{
    private readonly Conv2d conv_in;
    private readonly SinusoidalTimestepEmbedding time_proj;
    private readonly TimestepEmbedding time_embedding;
    private readonly Embedding? class_embedding;
    private readonly ModuleList<DownBlock2D> down_blocks = new();
    private readonly UNetMidBlock2D mid_block;
    private readonly ModuleList<UpBlock2D> up_blocks = new();
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    public UNet2DConfig Config { get; }

    public UNet2DModel(UNet2DConfig config) : base(nameof(UNet2DModel))
    {
        config.Validate();
        Config = config;
        var channels = config.BlockOutChannels;
        int timeEmbedDim = channels[0] * 4;

        conv_in = nn.Conv2d(config.InChannels, channels[0], 3, padding: 1);
        time_proj = new SinusoidalTimestepEmbedding(channels[0], config.FlipSinToCos, config.FreqShift);
        time_embedding = new TimestepEmbedding(channels[0], timeEmbedDim);
        if (config.NumClassEmbeds is int classes) class_embedding = nn.Embedding(classes, timeEmbedDim);

        int output = channels[0];
        for (int i = 0; i < channels.Length; i++)
        {
            int input = output;
            output = channels[i];
            down_blocks.Add(new DownBlock2D(input, output, timeEmbedDim, config.LayersPerBlock,
                                            config.DownBlockTypes[i] == "AttnDownBlock2D",
                                            addDownsample: i < channels.Length - 1, config));
        }

        mid_block = new UNetMidBlock2D(channels[^1], timeEmbedDim, config);

        var reversed = channels.Reverse().ToArray();
        output = reversed[0];
        for (int i = 0; i < reversed.Length; i++)
        {
            int prevOutput = output;
            output = reversed[i];
            int input = reversed[Math.Min(i + 1, reversed.Length - 1)];
            up_blocks.Add(new UpBlock2D(input, prevOutput, output, timeEmbedDim, config.LayersPerBlock + 1,
                                        config.UpBlockTypes[i] == "AttnUpBlock2D",
                                        addUpsample: i < reversed.Length - 1, config));
        }

        conv_norm_out = Normalization.GroupNorm(config.NormNumGroups, channels[0], config.NormEps);
        conv_out = nn.Conv2d(channels[0], config.OutChannels, 3, padding: 1);
        RegisterComponents();
    }

    public bool IsClassConditional => class_embedding is not null;

    public string Library => "diffusers";

    public string ClassName => nameof(UNet2DModel);

    public void SaveConfig(string path) => Config.Save(path);

    public IReadOnlyList<(string Name, string Value)> Describe()
    {
        var c = Config;
        var rows = new List<(string, string)>
        {
            ("network", nameof(UNet2DModel)),
            ("sample", $"{c.InChannels}×{c.SampleSize}×{c.SampleSize}"),
            ("levels", string.Join(", ", c.BlockOutChannels.Zip(c.DownBlockTypes, (ch, t) => $"{t} {ch}"))),
            ("layers per block", c.LayersPerBlock.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("mid attention", c.AddAttention ? "yes" : "no"),
        };
        if (c.NumClassEmbeds is int k) rows.Add(("class embeddings", k.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return rows;
    }

    public override Tensor forward(Tensor sample, Tensor timesteps) => Predict(sample, timesteps);

    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        conditioning ??= Conditioning.None;
        conditioning.OnlyUses(nameof(UNet2DModel), nameof(Conditioning.ClassLabels), nameof(Conditioning.ImageCondition));
        conditioning.CheckBatch(sample.shape[0]);
        var classLabels = conditioning.ClassLabels;
        using var scope = NewDisposeScope();
        // An image condition (SR3's upsampled low-resolution image) joins the sample as extra channels, after the
        // scheduler scaled x_t, as diffusers' StableDiffusionUpscalePipeline concatenates after scale_model_input.
        if (conditioning.ImageCondition is { } image) sample = cat([sample, image.to(sample.dtype)], 1);
        if (sample.shape[1] != Config.InChannels)
            throw new DiffuseException($"{nameof(UNet2DModel)} takes {Config.InChannels} input channels, got {sample.shape[1]}"
                                       + (conditioning.ImageCondition is null && Config.InChannels > Config.OutChannels ? " (it expects an image condition concatenated to the sample)" : ""));
        if (Config.CenterInputSample) sample = 2 * sample - 1.0;
        // One timestep for the whole batch is broadcast, as diffusers does.
        timesteps = timesteps.to(sample.device);
        var t = timesteps.dim() == 0 || timesteps.shape[0] == 1 ? timesteps.reshape(1).expand(sample.shape[0]) : timesteps;
        var emb = time_embedding.forward(time_proj.forward(t).to(sample.dtype));
        if (class_embedding is not null)
        {
            if (classLabels is null) throw new DiffuseException("this model is class-conditional: class labels are required");
            emb = emb + class_embedding.forward(classLabels.to(sample.device)).to(emb.dtype);
        }

        var x = conv_in.forward(sample);
        var skips = new List<Tensor> { x };
        foreach (var block in down_blocks) x = block.forward(x, emb, skips);
        x = mid_block.forward(x, emb);
        foreach (var block in up_blocks) x = block.forward(x, emb, skips);
        x = conv_out.forward(nn.functional.silu(conv_norm_out.forward(x)));
        return x.MoveToOuterDisposeScope();
    }
}
