using Diffuse.Folders;
using Diffuse.Formats;
using Diffuse.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Tests.Models;

[Collection(GlobalRngCollection.Name)]
public sealed class UNet2DConditionModelTests
{
    private static string Case => Path.Combine(Fixtures.InteropFolder, "tiny-sd");

    private static string UNetFolder => Path.Combine(Case, "unet");

    /// <summary>An SD 2.x-shaped UNet at test size: linear projections, heads per block, upcast attention.</summary>
    private static UNet2DConditionConfig Sd2Like(int inChannels = 4) => new()
    {
        SampleSize = 16, InChannels = inChannels, OutChannels = 4, BlockOutChannels = [32, 64], LayersPerBlock = 1,
        DownBlockTypes = ["CrossAttnDownBlock2D", "DownBlock2D"], UpBlockTypes = ["UpBlock2D", "CrossAttnUpBlock2D"],
        AttentionHeadDim = new[] { 2, 4 }, CrossAttentionDim = 24, TransformerLayersPerBlock = new[] { 1, 2 },
        NormNumGroups = 8, UseLinearProjection = true, UpcastAttention = true,
    };

    private static UNet2DConditionModel Seeded(UNet2DConditionConfig config, long seed = 7)
    {
        manual_seed(seed);
        var model = new UNet2DConditionModel(config);
        model.eval();
        return model;
    }

    private static Conditioning Text(long batch, long tokens = 5, int features = 24, long seed = 11)
    {
        var generator = new Generator((ulong)seed);
        return new Conditioning { EncoderHiddenStates = randn([batch, tokens, features], generator: generator) };
    }

    private static double MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Fact]
    public void Forward_pass_matches_diffusers_within_the_float64_spread()
    {
        using var model = (UNet2DConditionModel)ModelFolder.Load(UNetFolder);
        var expected = Fixtures.Load(Path.Combine(Case, "expected", "unet_forward.safetensors"));

        using var noGrad = no_grad();
        using var output = model.Predict(expected["sample"], expected["timestep"],
                                         new Conditioning { EncoderHiddenStates = expected["encoder_hidden_states"] });
        // The reference's own float32 round-off: max|float64 − float32| = 1.27e-6 and max|OpenBLAS − netlib| = 1.31e-6
        // at max|out| = 1.77 (expected/README.md); we measure 1.7e-6. Allowed: 1e-5 of max|out|.
        double maxAbs = expected["out"].abs().max().item<float>();
        double maxDiff = MaxDiff(output, expected["out"]);
        Assert.True(maxDiff <= 1e-5 * maxAbs, $"max abs difference {maxDiff} (max abs {maxAbs})");
    }

    [Fact]
    public void Parameter_names_and_shapes_match_the_diffusers_checkpoint()
    {
        using var model = new UNet2DConditionModel(UNet2DConditionConfig.Load(Path.Combine(UNetFolder, "config.json")));
        var ours = model.state_dict();
        var theirs = ModelWeights.Read(Path.Combine(UNetFolder, "diffusion_pytorch_model.safetensors"));
        Assert.Equal(theirs.Keys.OrderBy(k => k, StringComparer.Ordinal), ours.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (key, tensor) in theirs) Assert.Equal(tensor.shape, ours[key].shape);
        Assert.Equal(theirs.Values.Sum(t => t.numel()), model.parameters().Sum(p => p.numel()));
        foreach (var t in theirs.Values) t.Dispose();
    }

    [Fact]
    public void An_sd2_like_config_has_diffusers_parameter_names_and_shapes()
    {
        using var model = Seeded(Sd2Like());
        var weights = model.state_dict();
        void Shape(string key, params long[] shape) => Assert.True(weights.TryGetValue(key, out var w) && w.shape.SequenceEqual(shape),
            $"{key}: {(weights.TryGetValue(key, out var x) ? "[" + string.Join(", ", x.shape) + "]" : "missing")}, expected [{string.Join(", ", shape)}]");
        const string block = "down_blocks.0.attentions.0.transformer_blocks.0";
        // use_linear_projection: proj_in/proj_out are nn.Linear (transformer_2d.py _init_continuous_input).
        Shape("down_blocks.0.attentions.0.proj_in.weight", 32, 32);
        Shape("mid_block.attentions.0.proj_out.weight", 64, 64);
        // Attention(bias=False) for q, k, v; to_k reads cross_attention_dim; to_out.0 has a bias.
        Shape($"{block}.attn2.to_k.weight", 32, 24);
        Shape($"{block}.attn1.to_k.weight", 32, 32);
        Shape($"{block}.attn2.to_out.0.bias", 32);
        Assert.False(weights.ContainsKey($"{block}.attn1.to_q.bias"));
        // GEGLU projects to 2 × 4 × dim; net.2 back to dim (attention.py FeedForward).
        Shape($"{block}.ff.net.0.proj.weight", 256, 32);
        Shape($"{block}.ff.net.2.weight", 32, 128);
        Shape($"{block}.norm3.weight", 32);
        Shape("down_blocks.0.attentions.0.norm.weight", 32);
        // transformer_layers_per_block [1, 2]: the mid block takes the last entry; up_blocks.1 (32 channels) the first.
        Shape("mid_block.attentions.0.transformer_blocks.1.attn1.to_q.weight", 64, 64);
        Assert.False(weights.ContainsKey($"down_blocks.0.attentions.0.transformer_blocks.1.norm1.weight"));
        // Up path: 2 resnets per level; up_blocks.1.resnets.0 takes 64 (from below) + 32 (skip) channels.
        Shape("up_blocks.1.resnets.0.conv1.weight", 32, 96, 3, 3);
        Shape("up_blocks.0.upsamplers.0.conv.weight", 64, 64, 3, 3);
        Shape("down_blocks.0.downsamplers.0.conv.weight", 32, 32, 3, 3);
        Shape("time_embedding.linear_2.weight", 128, 128);

        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        Assert.IsType<Linear>(modules["down_blocks.0.attentions.0.proj_in"]);
        // attention_head_dim [2, 4] is the number of heads per level (diffusers' naming quirk): head size 16 on both.
        var self = Assert.IsType<Attention>(modules[$"{block}.attn1"]);
        var mid = Assert.IsType<Attention>(modules["mid_block.attentions.0.transformer_blocks.0.attn2"]);
        Assert.Equal((2, 16), (self.Heads, self.HeadDim));
        Assert.Equal((4, 16), (mid.Heads, mid.HeadDim));
        Assert.Contains(("attention heads", "2, 4"), model.Describe());
    }

    [Fact]
    public void An_sd2_like_config_runs_deterministically_from_a_seed()
    {
        using var noGrad = no_grad();
        using var a = Seeded(Sd2Like());
        using var b = Seeded(Sd2Like());
        var sample = randn([2, 4, 16, 16], generator: new Generator(3));
        var t = tensor(new long[] { 999, 1 });
        using var first = a.Predict(sample, t, Text(2));
        using var again = a.Predict(sample, t, Text(2));
        using var twin = b.Predict(sample, t, Text(2));
        Assert.Equal(new long[] { 2, 4, 16, 16 }, first.shape);
        Assert.True(first.isfinite().all().item<bool>());
        Assert.True(MaxDiff(first, again) == 0, "the same model gives the same output twice");
        Assert.True(MaxDiff(first, twin) == 0, "two models built from the same seed give the same output");
    }

    [Fact]
    public void One_timestep_for_the_batch_equals_that_timestep_for_every_sample()
    {
        using var noGrad = no_grad();
        using var model = Seeded(Sd2Like());
        var sample = randn([2, 4, 8, 8], generator: new Generator(3));
        using var shared = model.Predict(sample, tensor(500L), Text(2));
        using var each = model.Predict(sample, tensor(new long[] { 500, 500 }), Text(2));
        Assert.True(MaxDiff(shared, each) == 0);
    }

    [Fact]
    public void An_odd_latent_size_upsamples_to_the_size_of_its_skip()
    {
        using var noGrad = no_grad();
        using var model = Seeded(Sd2Like());
        using var output = model.Predict(randn(1, 4, 9, 7), tensor(10L), Text(1));
        Assert.Equal(new long[] { 1, 4, 9, 7 }, output.shape);
    }

    [Fact]
    public void A_nine_channel_inpainting_unet_takes_mask_and_masked_latents_as_a_five_channel_image_condition()
    {
        using var noGrad = no_grad();
        using var model = Seeded(Sd2Like(inChannels: 9));
        var latents = randn([1, 4, 8, 8], generator: new Generator(3));
        var maskAndMasked = randn([1, 5, 8, 8], generator: new Generator(4));
        var t = tensor(new long[] { 250 });
        using var output = model.Predict(latents, t, Text(1) with { ImageCondition = maskAndMasked });
        using var concatenated = model.Predict(cat([latents, maskAndMasked], 1), t, Text(1));
        Assert.Equal(new long[] { 1, 4, 8, 8 }, output.shape);
        Assert.True(MaxDiff(output, concatenated) == 0, "the image condition follows the latents along the channels");
        var e = Assert.Throws<DiffuseException>(() => model.Predict(latents, t, Text(1)));
        Assert.Equal("UNet2DConditionModel takes 9 input channels, got 4 (it expects an image condition concatenated to the sample)", e.Message);
    }

    [Fact]
    public void An_attention_mask_of_ones_changes_nothing_and_a_masked_token_is_ignored()
    {
        using var noGrad = no_grad();
        using var model = Seeded(Sd2Like());
        var sample = randn([2, 4, 8, 8], generator: new Generator(3));
        var t = tensor(new long[] { 10, 900 });
        var text = Text(2, tokens: 6);
        using var unmasked = model.Predict(sample, t, text);
        using var allKept = model.Predict(sample, t, text with { EncoderAttentionMask = ones(2, 6) });
        Assert.True(MaxDiff(unmasked, allKept) <= 1e-6, $"all-ones mask: {MaxDiff(unmasked, allKept)}");

        // Dropping the last token of the second prompt changes that sample only...
        var mask = ones(2, 6);
        mask[1, 5] = tensor(0f);
        using var masked = model.Predict(sample, t, text with { EncoderAttentionMask = mask });
        Assert.True(MaxDiff(masked[0], unmasked[0]) <= 1e-6);
        Assert.True(MaxDiff(masked[1], unmasked[1]) > 1e-4, $"masking a token moved the output by {MaxDiff(masked[1], unmasked[1])}");
        // ...and what that token holds no longer matters: exp(−10000) is 0 in float32.
        var states = text.EncoderHiddenStates!.clone();
        states[1, 5] = randn(24) * 10;
        using var other = model.Predict(sample, t, new Conditioning { EncoderHiddenStates = states, EncoderAttentionMask = mask });
        Assert.True(MaxDiff(masked, other) <= 1e-6, $"a masked token's states moved the output by {MaxDiff(masked, other)}");
    }

    [Fact]
    public void Missing_text_states_are_refused_naming_them()
    {
        using var model = Seeded(Sd2Like());
        var e = Assert.Throws<DiffuseException>(() => model.Predict(randn(1, 4, 8, 8), tensor(1L)));
        Assert.Contains("EncoderHiddenStates", e.Message);
        var wrongWidth = new Conditioning { EncoderHiddenStates = randn(1, 5, 32) };
        var a = Assert.Throws<DiffuseArgumentException>(() => model.Predict(randn(1, 4, 8, 8), tensor(1L), wrongWidth));
        Assert.Equal("EncoderHiddenStates have 32 features but the model's cross_attention_dim is 24", a.Message);
    }

    [Fact]
    public void Class_labels_are_embedded_when_num_class_embeds_is_set()
    {
        // The SD x4 upscaler's UNet adds nn.Embedding(num_class_embeds, time_embed_dim) of the noise level to the time embedding.
        using var noGrad = no_grad();
        using var model = Seeded(Sd2Like() with { NumClassEmbeds = 3 });
        var sample = randn([2, 4, 8, 8], generator: new Generator(3));
        var t = tensor(new long[] { 20, 20 });
        using var a = model.Predict(sample, t, Text(2) with { ClassLabels = tensor(new long[] { 0, 0 }) });
        using var b = model.Predict(sample, t, Text(2) with { ClassLabels = tensor(new long[] { 0, 2 }) });
        Assert.True(MaxDiff(a[0], b[0]) == 0);
        Assert.True(MaxDiff(a[1], b[1]) > 1e-4);
        Assert.Throws<DiffuseException>(() => model.Predict(sample, t, Text(2)));
        using var plain = Seeded(Sd2Like());
        var e = Assert.Throws<DiffuseException>(() => plain.Predict(sample, t, Text(2) with { ClassLabels = tensor(new long[] { 0, 2 }) }));
        Assert.StartsWith("UNet2DConditionModel takes no ClassLabels", e.Message);
    }

    [Fact]
    public void Upcast_attention_runs_in_bfloat16_next_to_float32()
    {
        using var noGrad = no_grad();
        using var full = Seeded(Sd2Like());
        using var narrow = Seeded(Sd2Like());
        var reduced = new ReducedPrecisionDenoiser(narrow, ScalarType.BFloat16);
        var sample = randn([1, 4, 8, 8], generator: new Generator(3));
        var text = Text(1, tokens: 4) with { EncoderAttentionMask = tensor(new float[,] { { 1, 1, 1, 0 } }) };
        using var reference = full.Predict(sample, tensor(300L), text);
        using var output = reduced.Predict(sample, tensor(300L), text);
        Assert.Equal(ScalarType.Float32, output.dtype);
        // bfloat16 keeps 8 significant bits (2^-8 ≈ 0.4%); through the whole network we measure 1.3% of max|out|.
        double scale = reference.abs().max().item<float>();
        Assert.True(MaxDiff(output, reference) <= 0.05 * scale, $"bfloat16 is {MaxDiff(output, reference)} from float32 (max abs {scale})");
    }

    [Theory]
    [InlineData("addition_embed_type", "\"text_time\"")]
    [InlineData("class_embed_type", "\"timestep\"")]
    [InlineData("time_cond_proj_dim", "256")]
    [InlineData("dual_cross_attention", "true")]
    [InlineData("attention_type", "\"gated\"")]
    [InlineData("resnet_time_scale_shift", "\"scale_shift\"")]
    [InlineData("only_cross_attention", "[true, false]")]
    [InlineData("mid_block_type", "\"UNetMidBlock2DSimpleCrossAttn\"")]
    [InlineData("encoder_hid_dim", "1024")]
    public void An_unsupported_setting_fails_in_one_line_naming_its_key(string key, string value)
    {
        var json = File.ReadAllText(Path.Combine(UNetFolder, "config.json"));
        var config = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        config[key] = System.Text.Json.Nodes.JsonNode.Parse(value);
        var parsed = UNet2DConditionConfig.Parse(config.ToJsonString(), "unet/config.json");
        var e = Assert.Throws<DiffuseException>(() => new UNet2DConditionModel(parsed));
        Assert.StartsWith($"config.json: {key}: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        var onLoad = Assert.Throws<DiffuseException>(() => parsed.Validate("unet/config.json"));
        Assert.StartsWith($"unet/config.json: {key}: ", onLoad.Message);
    }

    [Fact]
    public void A_config_round_trips_keeping_numbers_lists_and_unknown_keys()
    {
        var config = UNet2DConditionConfig.Parse(
            """{"attention_head_dim": [5, 10], "cross_attention_dim": 1024, "block_out_channels": [64, 128], "future_key": {"a": 1}}""");
        var again = UNet2DConditionConfig.Parse(config.ToJson());
        Assert.Equal(config.AttentionHeadDim, again.AttentionHeadDim);
        Assert.True(again.AttentionHeadDim!.IsList);
        Assert.False(again.CrossAttentionDim.IsList);
        Assert.Equal(new[] { 5, 10 }, again.HeadsPerBlock());
        Assert.Equal(new[] { 1024, 1024 }, again.CrossAttentionDimPerBlock());
        Assert.Contains("\"future_key\"", again.ToJson());
        var nested = Assert.Throws<DiffuseException>(() => UNet2DConditionConfig.Parse("""{"transformer_layers_per_block": [[1, 2], [3]]}"""));
        Assert.Contains("transformer_layers_per_block", nested.Message);
    }
}
