using System.Collections;
using System.Text.Json.Nodes;
using Diffuse.Formats;
using Diffuse.Text;
using TorchSharp.PyBridge;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffuse.Tests.Text;

/// <summary>
/// CLIPTextModel against expected/text_encoder.safetensors (transformers' modeling_clip.py maths, float32 on PyTorch):
/// within 1e-5 of each tensor's largest magnitude, ten times the float64 re-run's spread in the fixture README.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class ClipTextModelTests : IDisposable
{
    private const double RelativeTolerance = 1e-5;
    private readonly TempFolder _temp = new();
    private readonly ITestOutputHelper _output;

    public ClipTextModelTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _temp.Dispose();

    private static DisposableTensors Expected() => new(Fixtures.Load(TinySdFixture.Expected("text_encoder.safetensors")));

    private void AssertClose(Tensor expected, Tensor actual, string name)
    {
        Assert.Equal(expected.shape, actual.shape);
        double diff = (actual - expected).abs().max().item<float>();
        double scale = expected.abs().max().item<float>();
        _output.WriteLine($"{name}: max |difference| {diff:E2} (max |value| {scale:G4})");
        Assert.True(diff <= RelativeTolerance * scale, $"{name}: max |difference| {diff:E2} > {RelativeTolerance * scale:E2}");
    }

    [Fact]
    public void Last_hidden_state_and_pooled_output_equal_transformers()
    {
        using var expected = Expected();
        using var model = ClipTextModel.Load(TinySdFixture.TextEncoder);
        using var noGrad = no_grad();
        using var output = model.forward(expected["input_ids"]);
        AssertClose(expected["last_hidden_state"], output.LastHiddenState, "last_hidden_state");
        AssertClose(expected["pooler_output"], output.PooledOutput, "pooler_output");
    }

    [Fact]
    public void Every_hidden_state_equals_transformers()
    {
        using var expected = Expected();
        using var model = ClipTextModel.Load(TinySdFixture.TextEncoder);
        using var noGrad = no_grad();
        using var output = model.forward(expected["input_ids"]);
        Assert.Equal(6, output.HiddenStates.Count);                                              // embeddings + 5 layers
        for (int i = 0; i < 6; i++) AssertClose(expected["hidden_states"][i], output.HiddenStates[i], $"hidden_states[{i}]");
        AssertClose(expected["penultimate_hidden_state"], output.HiddenStates[^2], "penultimate_hidden_state");
    }

    [Fact]
    public void Encoding_prompts_gives_diffusers_prompt_embeds_with_and_without_clip_skip()
    {
        using var expected = Expected();
        var prompts = TinySdFixture.Prompts().Select(p => p.Prompt).ToArray();
        using var encoder = ClipTextEncoder.Load(TinySdFixture.Folder);
        using (var plain = encoder.Encode(prompts))
        {
            Assert.Equal(expected["input_ids"].data<long>().ToArray(), plain.InputIds.data<long>().ToArray());
            AssertClose(expected["last_hidden_state"], plain.Embeddings, "prompt_embeds");
            AssertClose(expected["pooler_output"], plain.Pooled, "pooled");
            Assert.True(plain.Tokens[8].Truncated);
        }
        using (var skipped = encoder.Encode(prompts, clipSkip: 1))
            AssertClose(expected["penultimate_hidden_state_final_ln"], skipped.Embeddings, "clip_skip=1");
        using (var zero = encoder.Encode(prompts, clipSkip: 0))
            AssertClose(expected["last_hidden_state"], zero.Embeddings, "clip_skip=0");
        Assert.Equal("clip_skip", Assert.Throws<DiffuseArgumentException>(() => encoder.Encode(prompts, clipSkip: 6)).ParameterName);
        Assert.Equal("prompt", Assert.Throws<DiffuseArgumentException>(() => encoder.Encode([])).ParameterName);
    }

    [Fact]
    public void The_txt2img_run_gets_the_same_prompt_embeds()
    {
        using var run = new DisposableTensors(Fixtures.Load(TinySdFixture.Expected("txt2img_pndm_20.safetensors")));
        using var encoder = ClipTextEncoder.Load(TinySdFixture.Folder);
        var prompt = TinySdFixture.Prompts()[0].Prompt;
        using var embeds = encoder.Encode(["", prompt]);                                          // negative first, as the pipeline concatenates them
        Assert.Equal(run["input_ids"].data<long>().ToArray(), embeds.InputIds.data<long>().ToArray());
        AssertClose(run["prompt_embeds"], embeds.Embeddings, "txt2img prompt_embeds");
    }

    [Fact]
    public void A_padding_mask_changes_only_the_padded_positions()
    {
        using var model = ClipTextModel.Load(TinySdFixture.TextEncoder);
        using var noGrad = no_grad();
        var tokenizer = ClipTokenizer.Load(TinySdFixture.Tokenizer);
        var encoded = tokenizer.Encode("a photo of a cat");
        using var ids = tensor(encoded.InputIds.Select(i => (long)i).ToArray(), [1, 77]);
        using var mask = tensor(encoded.AttentionMask.Select(m => (long)m).ToArray(), [1, 77]);
        using var ones = ones_like(mask);
        using var unmasked = model.forward(ids);
        using var masked = model.forward(ids, mask);
        using var full = model.forward(ids, ones);
        Assert.True(full.LastHiddenState.allclose(unmasked.LastHiddenState, rtol: 0, atol: 0), "an all-ones mask is no mask");
        // CLIP's attention is causal, so a real token never sees the padding after it; padding sees less with the mask.
        Assert.True(masked.LastHiddenState[.., ..7].allclose(unmasked.LastHiddenState[.., ..7], rtol: 0, atol: 1e-6));
        Assert.False(masked.LastHiddenState[.., 7..].allclose(unmasked.LastHiddenState[.., 7..], rtol: 0, atol: 1e-3));
        Assert.False(masked.LastHiddenState.isnan().any().item<bool>());
    }

    [Fact]
    public void Pooled_output_follows_eos_token_id()
    {
        var config = ClipTextConfig.Load(Path.Combine(TinySdFixture.TextEncoder, ClipTextModel.ConfigFile));
        using var ids = tensor(new long[] { 49406, 320, 1125, 539, 320, 2368, 49407, 49407 }, [1, 8]);
        using var noGrad = no_grad();
        Tensor PooledRow(ClipTextConfig c, int position)
        {
            using var model = new ClipTextModel(c);
            model.LoadWeights(ClipTextModel.FindWeights(TinySdFixture.TextEncoder));
            using var output = model.forward(ids);
            Assert.True(output.PooledOutput.allclose(output.LastHiddenState[.., position], rtol: 0, atol: 0), $"eos_token_id {c.EosTokenId}: pooled at {position}");
            return output.PooledOutput.clone();
        }
        using var legacy = PooledRow(config, 6);                                                 // eos_token_id 2: argmax of the ids
        using var current = PooledRow(config with { EosTokenId = 49407 }, 6);                    // the first 49407
        using var other = PooledRow(config with { EosTokenId = 320 }, 1);                        // the first 320
    }

    [Fact]
    public void Hidden_act_chooses_quick_gelu_or_gelu()
    {
        manual_seed(3);
        using var x = randn(2, 5, 8);
        using var noGrad = no_grad();
        foreach (var act in new[] { "quick_gelu", "gelu" })
        {
            using var mlp = new ClipMlp(8, 12, act);
            var p = mlp.named_parameters().ToDictionary(kv => kv.name, kv => (Tensor)kv.parameter);
            using var h = nn.functional.linear(x, p["fc1.weight"], p["fc1.bias"]);
            using var activated = act == "quick_gelu" ? h * sigmoid(1.702 * h) : 0.5 * h * (1 + special.erf(h / Math.Sqrt(2)));
            using var expected = nn.functional.linear(activated, p["fc2.weight"], p["fc2.bias"]);
            using var actual = mlp.forward(x);
            Assert.True(actual.allclose(expected, rtol: 0, atol: 1e-6), act);
        }
        var folder = CopyTextEncoder(config => config["hidden_act"] = "gelu");
        using var gelu = ClipTextModel.Load(folder);
        using var quick = ClipTextModel.Load(TinySdFixture.TextEncoder);
        using var ids = tensor(new long[] { 49406, 320, 2368, 49407 }, [1, 4]);
        using var a = gelu.forward(ids);
        using var b = quick.forward(ids);
        Assert.Equal("gelu", gelu.Config.HiddenAct);
        Assert.False(a.LastHiddenState.allclose(b.LastHiddenState, rtol: 0, atol: 1e-4));
    }

    [Fact]
    public void A_checkpoint_holding_position_ids_loads()
    {
        var folder = CopyTextEncoder();
        var weightsPath = Path.Combine(folder, ClipTextModel.SafetensorsFile);
        using (var weights = new DisposableTensors(SafetensorsFile.Read(weightsPath)))
        {
            weights.Tensors[ClipTextModel.PositionIdsKey] = arange(77L).unsqueeze(0);
            SafetensorsFile.Write(weightsPath, weights.Tensors);
        }
        using var model = ClipTextModel.Load(folder);
        AssertSameWeights(model);
    }

    [Fact]
    public void Half_precision_and_pytorch_bin_weights_load_as_float32()
    {
        var folder = CopyTextEncoder();
        var weightsPath = Path.Combine(folder, ClipTextModel.SafetensorsFile);
        using (var weights = new DisposableTensors(SafetensorsFile.Read(weightsPath)))
        {
            SafetensorsFile.Write(weightsPath, weights.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float16)));
            var table = new Hashtable();
            foreach (var (key, value) in weights.Tensors) table[key] = value;
            table[ClipTextModel.PositionIdsKey] = arange(77L).unsqueeze(0);
            var binFolder = _temp.File("bin");
            Directory.CreateDirectory(binFolder);
            File.Copy(Path.Combine(folder, ClipTextModel.ConfigFile), Path.Combine(binFolder, ClipTextModel.ConfigFile));
            PyTorchPickler.PickleStateDict(Path.Combine(binFolder, ClipTextModel.PyTorchFile), table);
            using var fromBin = ClipTextModel.Load(binFolder);
            AssertSameWeights(fromBin);
        }
        using var half = ClipTextModel.Load(folder);
        Assert.All(half.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        using var reference = ClipTextModel.Load(TinySdFixture.TextEncoder);
        foreach (var ((name, a), (_, b)) in half.named_parameters().Zip(reference.named_parameters()))
            Assert.True(a.allclose(b, rtol: 1e-3, atol: 1e-4), name);
    }

    [Theory]
    [InlineData("hidden_act", "\"relu\"")]
    [InlineData("num_attention_heads", "5")]
    [InlineData("hidden_size", "\"big\"")]
    [InlineData("model_type", "\"bert\"")]
    public void A_bad_config_key_is_a_one_line_error_naming_it(string key, string json)
    {
        var folder = CopyTextEncoder(config => config[key] = JsonNode.Parse(json));
        var e = Assert.Throws<DiffuseException>(() => ClipTextModel.Load(folder));
        Assert.Contains(key, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_or_unexpected_weight_is_a_one_line_error_naming_it()
    {
        var folder = CopyTextEncoder();
        var weightsPath = Path.Combine(folder, ClipTextModel.SafetensorsFile);
        const string missing = "text_model.encoder.layers.3.mlp.fc2.bias";
        const string unexpected = "text_projection.weight";
        using (var weights = new DisposableTensors(SafetensorsFile.Read(weightsPath)))
        {
            weights.Tensors.Remove(missing, out var removed);
            removed!.Dispose();
            SafetensorsFile.Write(weightsPath, weights.Tensors);
        }
        var e = Assert.Throws<DiffuseException>(() => ClipTextModel.Load(folder));
        Assert.Contains($"'{missing}'", e.Message);
        Assert.DoesNotContain('\n', e.Message);

        File.Copy(Path.Combine(TinySdFixture.TextEncoder, ClipTextModel.SafetensorsFile), weightsPath, overwrite: true);
        using (var weights = new DisposableTensors(SafetensorsFile.Read(weightsPath)))
        {
            weights.Tensors[unexpected] = zeros(32, 32);
            SafetensorsFile.Write(weightsPath, weights.Tensors);
        }
        e = Assert.Throws<DiffuseException>(() => ClipTextModel.Load(folder));
        Assert.Contains($"'{unexpected}'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_tokenizer_with_ids_past_the_embedding_table_is_refused()
    {
        var tokenizerFolder = TinySdFixture.CopyTokenizer(_temp);
        File.WriteAllText(Path.Combine(tokenizerFolder, ClipTokenizerConfig.AddedTokensFile), """{"<cat-toy>": 49408}""");
        using var model = ClipTextModel.Load(TinySdFixture.TextEncoder);
        var e = Assert.Throws<DiffuseException>(() => new ClipTextEncoder(ClipTokenizer.Load(tokenizerFolder), model));
        Assert.Contains("49408", e.Message);
    }

    /// <summary>A copy of the fixture's text_encoder folder, its config changed by <paramref name="edit"/>.</summary>
    private string CopyTextEncoder(Action<JsonObject>? edit = null)
    {
        var folder = _temp.File("text_encoder-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(TinySdFixture.TextEncoder)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        if (edit is not null)
        {
            var configPath = Path.Combine(folder, ClipTextModel.ConfigFile);
            var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
            edit(config);
            File.WriteAllText(configPath, config.ToJsonString());
        }
        return folder;
    }

    private static void AssertSameWeights(ClipTextModel model)
    {
        using var weights = new DisposableTensors(SafetensorsFile.Read(Path.Combine(TinySdFixture.TextEncoder, ClipTextModel.SafetensorsFile)));
        var state = model.state_dict();
        Assert.Equal(weights.Tensors.Keys.Order(), state.Keys.Order());
        foreach (var (key, value) in weights.Tensors) Assert.True(state[key].allclose(value, rtol: 0, atol: 0), key);
    }
}
