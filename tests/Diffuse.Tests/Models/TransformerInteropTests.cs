using Diffuse.Folders;
using Diffuse.Formats;
using Diffuse.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffuse.Tests.Models;

/// <summary>
/// DiTTransformer2DModel and SD3Transformer2DModel loaded through ModelFolder from the diffusers-made folders
/// (shared/interop/tiny-dit, tiny-flow) against diffusers 0.31's forward passes.
/// </summary>
public sealed class TransformerInteropTests(ITestOutputHelper output)
{
    static string Case(string name) => Path.Combine(Fixtures.InteropFolder, name);

    static double MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Fact]
    public void DiT_forward_matches_diffusers_within_the_float64_spread()
    {
        using var scope = NewDisposeScope();
        using var model = ModelFolder.Load(Path.Combine(Case("tiny-dit"), "transformer"));
        var dit = Assert.IsType<DiTTransformer2DModel>(model);
        var expected = Fixtures.Load(Path.Combine(Case("tiny-dit"), "expected", "transformer_forward.safetensors"));
        using var noGrad = no_grad();
        var ours = dit.Predict(expected["sample"], expected["timestep"], new Conditioning { ClassLabels = expected["class_labels"] });
        // The reference's own float32 round-off: max|float64 − float32| = 6.55e-7, max|OpenBLAS − netlib| = 4.77e-7 at
        // max|out| = 2.30 (expected/README.md). Allowed: 1e-5 of max|out|.
        double maxAbs = expected["out"].abs().max().item<float>(), diff = MaxDiff(ours, expected["out"]);
        output.WriteLine($"DiT forward: max abs diff {diff:E2} (max abs {maxAbs:F3})");
        Assert.Equal(expected["out"].shape, ours.shape);
        Assert.True(diff <= 1e-5 * maxAbs, $"max abs difference {diff} (max abs {maxAbs})");
    }

    [Fact]
    public void SD3_forward_matches_diffusers_within_the_float64_spread()
    {
        using var scope = NewDisposeScope();
        using var model = ModelFolder.Load(Path.Combine(Case("tiny-flow"), "transformer"));
        var sd3 = Assert.IsType<SD3Transformer2DModel>(model);
        var expected = Fixtures.Load(Path.Combine(Case("tiny-flow"), "expected", "transformer_forward.safetensors"));
        using var noGrad = no_grad();
        var ours = sd3.Predict(expected["hidden_states"], expected["timestep"],
            new Conditioning { EncoderHiddenStates = expected["encoder_hidden_states"], PooledEmbeddings = expected["pooled_projections"] });
        // max|float64 − float32| = 4.29e-7, max|OpenBLAS − netlib| = 3.58e-7 at max|out| = 1.98. Allowed: 1e-5 of max|out|.
        double maxAbs = expected["out"].abs().max().item<float>(), diff = MaxDiff(ours, expected["out"]);
        output.WriteLine($"SD3 forward: max abs diff {diff:E2} (max abs {maxAbs:F3})");
        Assert.True(diff <= 1e-5 * maxAbs, $"max abs difference {diff} (max abs {maxAbs})");
    }

    [Theory]
    [InlineData("tiny-dit")]
    [InlineData("tiny-flow")]
    public void Parameter_names_and_shapes_match_the_diffusers_checkpoint(string name)
    {
        var folder = Path.Combine(Case(name), "transformer");
        using var model = ModelFolder.Load(folder);
        var ours = model.state_dict();
        var theirs = ModelWeights.Read(Path.Combine(folder, "diffusion_pytorch_model.safetensors"));
        Assert.Equal(theirs.Keys.OrderBy(k => k, StringComparer.Ordinal), ours.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (key, tensor) in theirs) Assert.Equal(tensor.shape, ours[key].shape);
        foreach (var t in theirs.Values) t.Dispose();
    }

    [Fact]
    public void The_sin_cos_grid_built_here_equals_the_one_diffusers_stored_for_SD3()
    {
        using var scope = NewDisposeScope();
        var folder = Path.Combine(Case("tiny-flow"), "transformer");
        using var fresh = new SD3Transformer2DModel(SD3Transformer2DConfig.Load(Path.Combine(folder, "config.json")));
        var stored = ModelWeights.Read(Path.Combine(folder, "diffusion_pytorch_model.safetensors"))["pos_embed.pos_embed"];
        double diff = MaxDiff(fresh.state_dict()["pos_embed.pos_embed"], stored);
        Assert.True(diff <= 1e-6, $"max abs difference {diff}");
    }
}
