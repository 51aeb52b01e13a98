using Diffuse.Folders;
using Diffuse.Formats;
using Diffuse.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffuse.Tests.Models;

/// <summary>
/// diffusers' AutoencoderKL (v0.31.0) on the tiny-sd fixture: its random-weight VAE, and what diffusers computed with it
/// (<c>expected/vae.safetensors</c>, <c>expected/img2img_ddim_20.safetensors</c>; see that folder's README).
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class AutoencoderKLTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly ITestOutputHelper _output;

    public AutoencoderKLTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// Asserts max |actual − expected| ≤ 2 × <paramref name="float64Spread"/>, the README's max |float64 re-run − float32| for
    /// the tensor: another correct float32 implementation may sit on the far side of the float64 result (the README's
    /// OpenBLAS run moved these tensors by up to 2.9e-6). Writes the difference and the bound relative to max |expected|.
    /// </summary>
    private double AssertClose(Tensor actual, Tensor expected, double float64Spread, string name)
    {
        Assert.Equal(expected.shape, actual.shape);
        double maxAbs = expected.abs().max().item<float>();
        double diff = (actual - expected).abs().max().item<float>();
        double bound = 2 * float64Spread;
        _output.WriteLine($"{name}: max abs diff {diff:E3} = {diff / maxAbs:E2} × max abs {maxAbs:G6}; bound {bound:E3} = {bound / maxAbs:E2} × max abs");
        Assert.True(diff <= bound, $"{name}: max abs diff {diff:E3} > {bound:E3} (2 × the float64 spread)");
        return diff;
    }

    [Fact]
    public void Parameter_names_and_shapes_match_the_diffusers_checkpoint()
    {
        using var model = new AutoencoderKL(AutoencoderKLConfig.Load(TinySdVae.ConfigPath));
        var ours = model.state_dict();
        var theirs = SafetensorsWeights.Read(TinySdVae.WeightsPath);
        Assert.Equal(theirs.Keys.OrderBy(k => k), ours.Keys.OrderBy(k => k));
        foreach (var (key, tensor) in theirs) Assert.Equal(tensor.shape, ours[key].shape);
        Assert.Contains("encoder.down_blocks.0.downsamplers.0.conv.weight", ours.Keys);
        Assert.Contains("decoder.up_blocks.0.upsamplers.0.conv.weight", ours.Keys);
        Assert.Contains("encoder.mid_block.attentions.0.to_out.0.weight", ours.Keys);
        foreach (var t in theirs.Values) t.Dispose();
    }

    [Fact]
    public void Encode_gives_diffusers_latent_distribution()
    {
        using var vae = TinySdVae.Load();
        var expected = Fixtures.Load(TinySdVae.Expected("vae.safetensors"));
        using var noGrad = no_grad();
        using var posterior = vae.Encode(expected["image"]);
        AssertClose(posterior.Mean, expected["latent_dist_mean"], 5.17e-6, "latent_dist_mean");
        AssertClose(posterior.Std, expected["latent_dist_std"], 3.08e-6, "latent_dist_std");
        AssertClose(posterior.LogVar, expected["latent_dist_logvar"], 4.74e-6, "latent_dist_logvar");
        using var mode = posterior.Mode();
        Assert.True(mode.eq(posterior.Mean).all().item<bool>());
    }

    [Fact]
    public void Decode_gives_diffusers_image()
    {
        using var vae = TinySdVae.Load();
        var expected = Fixtures.Load(TinySdVae.Expected("vae.safetensors"));
        using var noGrad = no_grad();
        using var decoded = vae.Decode(expected["latent"]);
        AssertClose(decoded, expected["decoded"], 2.17e-6, "decoded");
    }

    [Fact]
    public void Img2img_image_latents_are_the_scaled_posterior_sample()
    {
        using var vae = TinySdVae.Load();
        var run = Fixtures.Load(TinySdVae.Expected("img2img_ddim_20.safetensors"));
        using var noGrad = no_grad();
        using var posterior = vae.Encode(run["init_image"]);
        AssertClose(posterior.Mean, run["latent_dist_mean"], 5.17e-6, "latent_dist_mean");
        AssertClose(posterior.Std, run["latent_dist_std"], 3.08e-6, "latent_dist_std");

        // The pipeline's generator (seed 500 in the file's metadata) draws encode_eps first: Sample draws the same.
        using (var check = new Generator().manual_seed(500))
        using (var eps = randn([1, 4, 32, 32], generator: check))
            Assert.True(eps.eq(run["encode_eps"]).all().item<bool>(), "the generator does not draw encode_eps");
        using var generator = new Generator().manual_seed(500);
        using var z = posterior.Sample(generator);
        using var imageLatents = vae.ScaleLatents(z);
        AssertClose(imageLatents, run["image_latents"], 1.22e-6, "image_latents");

        using var fromSavedEps = vae.ScaleLatents(posterior.Mean + posterior.Std * run["encode_eps"]);
        AssertClose(fromSavedEps, run["image_latents"], 1.22e-6, "image_latents from encode_eps");
    }

    [Fact]
    public void Sample_draws_one_randn_of_the_mean_shape_from_the_generator()
    {
        using var moments = cat([full(1, 4, 3, 3, 2.0f), full(1, 4, 3, 3, 2 * Math.Log(0.5))], 1);
        using var posterior = new DiagonalGaussian(moments.clone());
        using var g1 = new Generator().manual_seed(9);
        using var g2 = new Generator().manual_seed(9);
        using var sample = posterior.Sample(g1);
        using var draw = randn([1, 4, 3, 3], generator: g2);
        using var expected = 2.0f + 0.5f * draw;
        Assert.True(sample.allclose(expected, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Log_variance_is_clamped_to_minus_30_and_20()
    {
        using var moments = cat([zeros(1, 2, 1, 1), tensor(new float[] { -100f, 100f }).view(1, 2, 1, 1)], 1);
        using var posterior = new DiagonalGaussian(moments.clone());
        Assert.Equal(new[] { -30f, 20f }, posterior.LogVar.data<float>().ToArray());
        Assert.Equal(MathF.Exp(10f), posterior.Std[0, 1, 0, 0].item<float>(), 1e-2);
    }

    [Fact]
    public void Model_folder_loads_and_saves_the_vae()
    {
        using var vae = TinySdVae.Load();
        Assert.Equal(("diffusers", "AutoencoderKL"), ModelFolder.IndexEntry(vae));
        Assert.Contains("AutoencoderKL", ModelFolder.ClassNames);
        Assert.DoesNotContain("AutoencoderKL", ModelFolder.DenoiserClassNames);
        Assert.Equal(2, vae.ScaleFactor);
        Assert.False(vae.training);

        var folder = Path.Combine(_temp.Path, "vae");
        ModelFolder.Save(folder, vae);
        using var reloaded = TinySdVae.Load(folder);
        foreach (var (key, value) in vae.state_dict())
            Assert.True(value.eq(reloaded.state_dict()[key]).all().item<bool>(), key);
        Assert.Equal(vae.Config.ToJson(), reloaded.Config.ToJson());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Old_attention_key_names_and_convolution_shapes_load_the_same_network(bool convolutionShaped)
    {
        var folder = Path.Combine(_temp.Path, "old-vae");
        Directory.CreateDirectory(folder);
        File.Copy(TinySdVae.ConfigPath, Path.Combine(folder, "config.json"));
        var weights = SafetensorsWeights.Read(TinySdVae.WeightsPath);
        static string Old(string key) => key.Replace(".to_q.", ".query.").Replace(".to_k.", ".key.")
                                            .Replace(".to_v.", ".value.").Replace(".to_out.0.", ".proj_attn.");
        var old = weights.ToDictionary(kv => Old(kv.Key), kv =>
            convolutionShaped && kv.Key.Contains("attentions") && kv.Key.EndsWith(".weight") && kv.Value.dim() == 2
                ? kv.Value.reshape(kv.Value.shape[0], kv.Value.shape[1], 1, 1)
                : kv.Value);
        Assert.Equal(16, old.Keys.Count(k => k.Contains(".query.") || k.Contains(".key.") || k.Contains(".value.") || k.Contains(".proj_attn.")));
        SafetensorsFile.Write(Path.Combine(folder, ModelFolder.SafetensorsFile), old);

        using var current = TinySdVae.Load();
        using var legacy = TinySdVae.Load(folder);
        var expected = Fixtures.Load(TinySdVae.Expected("vae.safetensors"));
        using var noGrad = no_grad();
        using var a = current.Decode(expected["latent"]);
        using var b = legacy.Decode(expected["latent"]);
        Assert.True(a.eq(b).all().item<bool>(), "decoded images differ");
        using var pa = current.Encode(expected["image"]);
        using var pb = legacy.Encode(expected["image"]);
        Assert.True(pa.Moments.eq(pb.Moments).all().item<bool>(), "encoded moments differ");
    }

    [Theory]
    [InlineData("encoder.mid_block.attentions.0.query.weight", "encoder.mid_block.attentions.0.to_q.weight")]
    [InlineData("decoder.mid_block.attentions.0.proj_attn.bias", "decoder.mid_block.attentions.0.to_out.0.bias")]
    [InlineData("decoder.mid_block.attentions.0.group_norm.weight", "decoder.mid_block.attentions.0.group_norm.weight")]
    public void Vae_attention_keys_rename_as_diffusers_does(string old, string current) =>
        Assert.Equal(current, LegacyAttentionKeys.Rename(old));

    [Theory]
    [InlineData("encoder.mid_block.attentions.0.to_q.weight", new long[] { 64, 64, 1, 1 }, true)]
    [InlineData("encoder.mid_block.attentions.0.to_out.0.weight", new long[] { 64, 64, 1 }, true)]
    [InlineData("encoder.mid_block.attentions.0.to_q.weight", new long[] { 64, 64 }, false)]
    [InlineData("down_blocks.0.attentions.0.proj_in.weight", new long[] { 64, 64, 1, 1 }, false)]
    [InlineData("down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight", new long[] { 64, 64, 1, 1 }, false)]
    public void Only_attention_projections_are_taken_for_convolution_shaped(string key, long[] shape, bool expected) =>
        Assert.Equal(expected, LegacyAttentionKeys.IsConvolutionShaped(key, shape));

    [Fact]
    public void Scaling_latents_applies_shift_and_scale_and_unscaling_inverts_it()
    {
        using var vae = new AutoencoderKL(new AutoencoderKLConfig
        {
            BlockOutChannels = [32], NormNumGroups = 32, ScalingFactor = 0.5, ShiftFactor = 0.25,
        });
        using var z = tensor(new float[] { 1.25f, -0.75f, 0.25f, 2.25f }).view(1, 4, 1, 1);
        using var scaled = vae.ScaleLatents(z);
        Assert.Equal(new[] { 0.5f, -0.5f, 0f, 1f }, scaled.data<float>().ToArray());
        using var back = vae.UnscaleLatents(scaled);
        Assert.True(back.eq(z).all().item<bool>());
    }

    [Fact]
    public void Encode_and_decode_name_a_tensor_of_the_wrong_shape()
    {
        using var vae = TinySdVae.Load();
        var e = Assert.Throws<DiffuseArgumentException>(() => vae.Decode(zeros(1, 3, 8, 8)));
        Assert.Equal("latents", e.ParameterName);
        Assert.Equal("latents must be [batch, 4, height, width] (got [1, 3, 8, 8])", e.Message);
        Assert.Equal("image", Assert.Throws<DiffuseArgumentException>(() => vae.Encode(zeros(3, 64, 64))).ParameterName);
    }
}
