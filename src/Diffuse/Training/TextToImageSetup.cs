using Diffuse.Data;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// Turns a <c>--task text-to-image</c> config into a plan: the captioned folder's images (or, with <c>vae</c>, their
/// latents under the frozen autoencoder), the captions as token ids, a UNet2DConditionModel and a CLIP text model
/// (trained from scratch with a BPE learned from the captions, or a frozen one from <c>text_encoder</c>), saved as a
/// <see cref="StableDiffusionPipeline"/>.
/// </summary>
public static class TextToImageSetup
{
    /// <summary>The text encoder trained from scratch: 2 CLIP layers of 64 (a few hundred thousand weights).</summary>
    public static ClipTextConfig ScratchTextConfig(ClipTokenizer tokenizer, int maxLength) => new()
    {
        VocabSize = tokenizer.VocabSize,
        HiddenSize = 64,
        IntermediateSize = 256,
        ProjectionDim = 64,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        MaxPositionEmbeddings = maxLength,
        BosTokenId = tokenizer.BosTokenId,
        EosTokenId = tokenizer.EosTokenId,
        PadTokenId = tokenizer.PadTokenId,
    };

    public static TrainingPlan Prepare(TrainConfig config)
    {
        if (!Directory.Exists(config.Data) || !CaptionedFolderLoader.HasCaptions(config.Data))
            throw new DiffuseArgumentException("data", $"'{config.Data}' is not a captioned image folder (a {CaptionedFolderLoader.MetadataFile}, or a {CaptionedFolderLoader.CaptionExtension} caption beside each image)");
        using var captioned = CaptionedFolderLoader.Load(config.Data, config.ImageSize);
        var (tokenizer, textConfig) = TextSide(config, captioned.Captions);
        var ids = TokenIds(tokenizer, captioned.Captions, config.Data);
        var empty = tensor(tokenizer.Encode("").InputIds.Select(i => (long)i).ToArray());
        var vae = config.Vae is null ? null : LoadVae(config.Vae);
        ITrainingData data;
        if (vae is null) data = new TextToImageTrainingData(captioned.Images.Data.clone(), null, ids, empty, config.RandomFlip, captioned.Captions);
        else
        {
            if (vae.Config.InChannels != captioned.Images.Channels)
                throw new DiffuseArgumentException("vae", $"the autoencoder takes {vae.Config.InChannels} channels, the images have {captioned.Images.Channels}");
            var (mean, std) = EncodeLatents(vae, captioned.Images.Data);
            data = new TextToImageTrainingData(mean, std, ids, empty, randomFlip: false, captioned.Captions);
        }
        var shape = data.ExampleShape;
        var unetConfig = ModelPresets.UNet2DCondition(config.Model, (int)shape[0], (int)shape[1], textConfig.HiddenSize);
        string? frozenText = config.TextEncoder;
        return new TrainingPlan(data,
            () => new TextToImageNetworks(new UNet2DConditionModel(unetConfig),
                frozenText is null ? new ClipTextModel(textConfig) : ClipTextModel.Load(Path.Combine(frozenText, ClipTextEncoder.TextEncoderFolder)),
                freezeTextEncoder: frozenText is not null),
            (model, scheduler) =>
            {
                var networks = (TextToImageNetworks)model;
                return new StableDiffusionPipeline(networks.UNet, vae, new ClipTextEncoder(tokenizer, networks.TextEncoder), scheduler);
            });
    }

    private static (ClipTokenizer, ClipTextConfig) TextSide(TrainConfig config, IReadOnlyList<string> captions)
    {
        if (config.TextEncoder is { } folder)
        {
            if (!Directory.Exists(folder)) throw new DiffuseArgumentException("text_encoder", $"'{folder}' not found");
            var tokenizer = ClipTokenizer.Load(Path.Combine(folder, ClipTextEncoder.TokenizerFolder));
            var textConfig = ClipTextConfig.Load(Path.Combine(folder, ClipTextEncoder.TextEncoderFolder, ClipTextModel.ConfigFile));
            return (tokenizer, textConfig);
        }
        // The BPE is a pure function of the captions: learned into a temporary folder, read back, and saved with the model.
        var temp = Directory.CreateTempSubdirectory("diffuse-bpe-");
        try
        {
            var tokenizer = ClipBpeTrainer.Train(captions, temp.FullName, config.MaxLength);
            return (tokenizer, ScratchTextConfig(tokenizer, config.MaxLength));
        }
        finally { temp.Delete(recursive: true); }
    }

    /// <summary>int64 [N, L]; a caption longer than the tokenizer's length is an error naming it, never cut silently.</summary>
    private static Tensor TokenIds(ClipTokenizer tokenizer, IReadOnlyList<string> captions, string folder)
    {
        int length = tokenizer.ModelMaxLength;
        var ids = new long[captions.Count * length];
        for (int i = 0; i < captions.Count; i++)
        {
            var tokens = tokenizer.Encode(captions[i]);
            if (tokens.Truncated)
                throw new DiffuseArgumentException("max_length", $"caption {i + 1} of {folder} (\"{captions[i]}\") is {tokens.TokensBeforeTruncation} tokens, more than the text encoder's {length}");
            for (int j = 0; j < length; j++) ids[i * length + j] = tokens.InputIds[j];
        }
        return tensor(ids, [captions.Count, length]);
    }

    private static AutoencoderKL LoadVae(string folder)
    {
        if (!Directory.Exists(folder)) throw new DiffuseArgumentException("vae", $"'{folder}' not found");
        var vaeFolder = File.Exists(Path.Combine(folder, ModelFolder.ConfigFile)) ? folder : Path.Combine(folder, StableDiffusionPipeline.VaeFolder);
        var model = ModelFolder.Load(vaeFolder);
        if (model is AutoencoderKL vae) return vae;
        model.Dispose();
        throw new DiffuseArgumentException("vae", $"'{folder}' does not hold an AutoencoderKL");
    }

    /// <summary>The scaled posterior mean and standard deviation of every image, in batches, without gradients.</summary>
    private static (Tensor Mean, Tensor Std) EncodeLatents(AutoencoderKL vae, Tensor images)
    {
        using var noGrad = no_grad();
        var means = new List<Tensor>();
        var stds = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += 256)
        {
            using var scope = NewDisposeScope();
            using var posterior = vae.Encode(images.narrow(0, start, Math.Min(256, images.shape[0] - start)));
            means.Add(vae.ScaleLatents(posterior.Mean).MoveToOuterDisposeScope());
            stds.Add((posterior.Std * vae.Config.ScalingFactor).MoveToOuterDisposeScope());
        }
        var mean = cat(means, 0);
        var std = cat(stds, 0);
        foreach (var t in means.Concat(stds)) t.Dispose();
        return (mean, std);
    }
}
