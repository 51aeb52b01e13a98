using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Tests.Models;

/// <summary>The transformers follow their configs (patch size, channels, depth, classes, qk norm, dual attention, cropping) with diffusers' weight names.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class TransformerConfigTests
{
    static void Shape(Dictionary<string, Tensor> weights, string key, params long[] shape) =>
        Assert.True(weights.TryGetValue(key, out var w) && w.shape.SequenceEqual(shape),
            $"{key}: {(weights.TryGetValue(key, out var x) ? "[" + string.Join(", ", x.shape) + "]" : "missing")}, expected [{string.Join(", ", shape)}]");

    [Fact]
    public void An_sd35_like_MMDiT_has_rms_qk_norm_dual_attention_and_crops_its_position_grid()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var config = new SD3Transformer2DConfig
        {
            SampleSize = 8, PatchSize = 1, InChannels = 3, OutChannels = 5, NumLayers = 3, AttentionHeadDim = 8, NumAttentionHeads = 2,
            JointAttentionDim = 12, CaptionProjectionDim = 16, PooledProjectionDim = 6, PosEmbedMaxSize = 10, DualAttentionLayers = [0, 1],
            QkNorm = "rms_norm",
        };
        using var model = new SD3Transformer2DModel(config);
        model.eval();
        var w = model.state_dict();
        Shape(w, "transformer_blocks.0.norm1.linear.weight", 9 * 16, 16);
        Shape(w, "transformer_blocks.2.norm1.linear.weight", 6 * 16, 16);
        Shape(w, "transformer_blocks.0.attn2.to_q.weight", 16, 16);
        Shape(w, "transformer_blocks.0.attn.norm_q.weight", 8);
        Shape(w, "transformer_blocks.0.attn.norm_added_k.weight", 8);
        Shape(w, "transformer_blocks.0.attn2.norm_k.weight", 8);
        Shape(w, "transformer_blocks.2.norm1_context.linear.weight", 2 * 16, 16);
        Assert.False(w.ContainsKey("transformer_blocks.2.attn.to_add_out.weight"));
        Assert.False(w.ContainsKey("transformer_blocks.2.attn2.to_q.weight"));
        Shape(w, "pos_embed.pos_embed", 1, 100, 16);
        Shape(w, "proj_out.weight", 5, 16);
        using var noGrad = no_grad();
        var conditioning = new Conditioning { EncoderHiddenStates = randn(2, 4, 12), PooledEmbeddings = randn(2, 6) };
        // A smaller image than sample_size: the grid's centre 6×6 is cropped.
        var out6 = model.Predict(randn(2, 3, 6, 6), tensor(new[] { 500f }), conditioning);
        Assert.Equal([2L, 5, 6, 6], out6.shape);
        Assert.True(out6.isfinite().all().item<bool>());
        var e = Assert.Throws<DiffuseArgumentException>(() => model.Predict(randn(1, 3, 11, 11), tensor(new[] { 1f }),
            new Conditioning { EncoderHiddenStates = randn(1, 4, 12), PooledEmbeddings = randn(1, 6) }));
        Assert.Contains("pos_embed_max_size 10", e.Message);
    }

    [Fact]
    public void A_layer_norm_qk_norm_has_affine_weights_on_every_projection()
    {
        manual_seed(4);
        using var model = new SD3Transformer2DModel(new SD3Transformer2DConfig
        {
            SampleSize = 4, PatchSize = 2, InChannels = 2, OutChannels = 2, NumLayers = 2, AttentionHeadDim = 4, NumAttentionHeads = 2,
            JointAttentionDim = 8, CaptionProjectionDim = 8, PooledProjectionDim = 4, PosEmbedMaxSize = 4, QkNorm = "layer_norm",
        });
        var w = model.state_dict();
        Shape(w, "transformer_blocks.0.attn.norm_q.bias", 4);
        Shape(w, "transformer_blocks.1.attn.norm_added_q.weight", 4);
    }

    [Fact]
    public void A_DiT_follows_patch_size_depth_classes_and_learned_sigma()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var config = new DiTTransformer2DConfig
        {
            SampleSize = 8, PatchSize = 4, InChannels = 2, OutChannels = 4, NumLayers = 3, NumAttentionHeads = 3, AttentionHeadDim = 4,
            NumEmbedsAdaNorm = 10, NormElementwiseAffine = true,
        };
        using var model = new DiTTransformer2DModel(config);
        model.eval();
        var w = model.state_dict();
        Shape(w, "transformer_blocks.2.norm1.emb.class_embedder.embedding_table.weight", 11, 12);
        Shape(w, "pos_embed.proj.weight", 12, 2, 4, 4);
        Shape(w, "proj_out_2.weight", 4 * 4 * 4, 12);
        Shape(w, "transformer_blocks.0.norm3.weight", 12);
        Assert.False(w.ContainsKey("pos_embed.pos_embed"));
        using var pipeline = new DiTPipeline(model, new SchedulerConfig { ClassName = "DDIMScheduler", ClipSample = false });
        Assert.Equal(10, pipeline.ClassCount);
        using var result = pipeline.Generate(new GenerationOptions { Steps = 2, Classes = [3, 9], Count = 2, GuidanceScale = 2 });
        // The learned-σ half is split off: the samples have the input's 2 channels.
        Assert.Equal([2L, 2, 8, 8], result.Samples.shape);
    }

    [Fact]
    public void Dynamic_shifting_takes_mu_from_the_image_token_count_as_sd3_does()
    {
        using var temp = new TempFolder();
        var source = Path.Combine(Fixtures.InteropFolder, "tiny-flow");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(f => !f.Contains("expected")))
        {
            var target = Path.Combine(temp.Path, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var schedulerFile = Path.Combine(temp.Path, "scheduler", "scheduler_config.json");
        File.WriteAllText(schedulerFile, File.ReadAllText(schedulerFile).Replace("\"use_dynamic_shifting\": false", "\"use_dynamic_shifting\": true"));
        using var pipeline = DiffusionPipeline.Load(temp.Path);
        using var scheduler = (FlowMatchEulerDiscreteScheduler)pipeline.CreateScheduler(new GenerationOptions { Height = 16, Width = 8 });
        // (16/2)·(8/2) = 32 tokens; μ = 0.5 + (1.15 − 0.5)·(32 − 256)/(4096 − 256).
        Assert.Equal(0.5 + 0.65 * (32 - 256) / 3840.0, scheduler.Mu!.Value, 12);
        scheduler.SetTimesteps(3);
        var expected = FlowMatchSigmas.Linspace(1000, 1, 3).Select(t => t / 1000)
            .Select(t => (float)(Math.Exp(scheduler.Mu.Value) / (Math.Exp(scheduler.Mu.Value) + 1 / t - 1)));
        // Within float32 round-off: the scheduler starts its linspace at the float32 σ_min, 0.001f.
        Assert.Equal(expected.Append(0f), scheduler.Sigmas, (a, b) => Math.Abs(a - b) <= 1e-6 * Math.Max(1e-3, Math.Abs(a)));
    }

    [Fact]
    public void A_latent_DiT_folder_with_a_vae_decodes_its_latents()
    {
        using var temp = new TempFolder();
        manual_seed(6);
        var dit = new DiTTransformer2DModel(new DiTTransformer2DConfig
        {
            SampleSize = 4, PatchSize = 2, InChannels = 4, OutChannels = 8, NumLayers = 1, NumAttentionHeads = 2, AttentionHeadDim = 4, NumEmbedsAdaNorm = 3,
        });
        using (var saved = new DiTPipeline(dit, new SchedulerConfig { ClassName = "DDIMScheduler", ClipSample = false })) saved.Save(temp.Path);
        var vae = Path.Combine(Fixtures.InteropFolder, "tiny-sd", "vae");
        Directory.CreateDirectory(temp.File("vae"));
        foreach (var file in Directory.EnumerateFiles(vae)) File.Copy(file, Path.Combine(temp.File("vae"), Path.GetFileName(file)));
        var index = temp.File("model_index.json");
        File.WriteAllText(index, File.ReadAllText(index).Replace("\"scheduler\":", "\"vae\": [\"diffusers\", \"AutoencoderKL\"],\n  \"scheduler\":"));
        using var pipeline = DiffusionPipeline.Load(temp.Path);
        var loaded = Assert.IsType<DiTPipeline>(pipeline);
        Assert.NotNull(loaded.Vae);
        using var result = pipeline.Generate(new GenerationOptions { Steps = 2, Classes = [2], Count = 1, GuidanceScale = 3 });
        // 4×4 latents, the tiny VAE's two levels double the side: 3×8×8 images; the latents are kept beside them.
        Assert.Equal([1L, 3, 8, 8], result.Samples.shape);
        Assert.Equal([1L, 4, 4, 4], result.Latents!.shape);
    }
}
