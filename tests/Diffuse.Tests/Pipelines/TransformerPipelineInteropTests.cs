using Diffuse.Pipelines;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

/// <summary>
/// DiTPipeline and StableDiffusion3Pipeline loaded through DiffusionPipeline.Load from the diffusers-made folders
/// (shared/interop/tiny-dit, tiny-flow) reproduce every recorded run at every step: the sample after step i against the
/// recorded trajectory[i], within 1e-4 of its scale (the runs' float64 re-runs differ by up to 1.2e-4 at max 333, i.e.
/// 4e-7 of the scale).
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class TransformerPipelineInteropTests(ITestOutputHelper output)
{
    static string Case(string name) => Path.Combine(Fixtures.InteropFolder, name);

    static double Relative(Tensor ours, Tensor theirs) => (ours - theirs).abs().max().item<float>() / Math.Max(1.0, theirs.abs().max().item<float>());

    /// <summary>Runs the pipeline and returns the worst per-step relative difference, and the final one.</summary>
    static (double Worst, double Final) Run(DiffusionPipeline pipeline, GenerationOptions options, Dictionary<string, Tensor> recorded)
    {
        double worst = 0;
        int steps = 0;
        using var result = pipeline.Generate(options, step =>
        {
            worst = Math.Max(worst, Relative(step.Sample, recorded["trajectory"][step.Index]));
            steps++;
        });
        Assert.Equal(recorded["trajectory"].shape[0], steps);
        return (worst, Relative(result.Samples, recorded["sample"]));
    }

    [Theory]
    [InlineData("ddim_10_g4", null, 4.0)]
    [InlineData("ddim_10_g1", null, 1.0)]
    [InlineData("dpmsolver_multistep_10_g4", "dpmsolver_multistep", 4.0)]
    [InlineData("dpmsolver_multistep_10_g1", "dpmsolver_multistep", 1.0)]
    public void DiT_runs_match_diffusers_at_every_step(string run, string? sampler, double guidance)
    {
        using var scope = NewDisposeScope();
        using var pipeline = DiffusionPipeline.Load(Case("tiny-dit"));
        Assert.IsType<DiTPipeline>(pipeline);
        var recorded = Fixtures.Load(Path.Combine(Case("tiny-dit"), "expected", run + ".safetensors"));
        var noise = Fixtures.Load(Path.Combine(Case("tiny-dit"), "expected", "noise.safetensors"))["sample"];
        var options = new GenerationOptions { Steps = 10, Scheduler = sampler, Classes = [207, 1], GuidanceScale = guidance, InitialNoise = noise };
        var (worst, final) = Run(pipeline, options, recorded);
        output.WriteLine($"{run}: worst step {worst:E2}, final {final:E2} of the scale");
        Assert.True(worst <= 1e-4 && final <= 1e-4, $"{run}: worst step {worst:E2}, final {final:E2}");
    }

    [Theory]
    [InlineData("euler_10_g5", null, 10, 5.0)]
    [InlineData("euler_28_g5", null, 28, 5.0)]
    [InlineData("euler_10_g1", null, 10, 1.0)]
    [InlineData("heun_10_g5", "flow_heun", 10, 5.0)]
    public void SD3_runs_match_diffusers_at_every_step(string run, string? sampler, int steps, double guidance)
    {
        using var scope = NewDisposeScope();
        using var pipeline = DiffusionPipeline.Load(Case("tiny-flow"));
        Assert.IsType<StableDiffusion3Pipeline>(pipeline);
        var recorded = Fixtures.Load(Path.Combine(Case("tiny-flow"), "expected", run + ".safetensors"));
        var noise = Fixtures.Load(Path.Combine(Case("tiny-flow"), "expected", "noise.safetensors"))["sample"];
        using var embeddings = TextEmbeddings.Load(Path.Combine(Case("tiny-flow"), "expected", "conditioning.safetensors"));
        var options = new GenerationOptions { Steps = steps, Scheduler = sampler, GuidanceScale = guidance, InitialNoise = noise, PromptEmbeddings = embeddings };
        var (worst, final) = Run(pipeline, options, recorded);
        output.WriteLine($"{run}: worst step {worst:E2}, final {final:E2} of the scale");
        Assert.True(worst <= 1e-4 && final <= 1e-4, $"{run}: worst step {worst:E2}, final {final:E2}");
    }

    [Fact]
    public void SD3_without_negative_embeddings_cannot_guide()
    {
        using var scope = NewDisposeScope();
        using var pipeline = DiffusionPipeline.Load(Case("tiny-flow"));
        var given = Fixtures.Load(Path.Combine(Case("tiny-flow"), "expected", "conditioning.safetensors"));
        var embeddings = new TextEmbeddings(given["prompt_embeds"], given["pooled_prompt_embeds"]);
        var e = Assert.Throws<DiffuseArgumentException>(() => pipeline.Generate(new GenerationOptions { Steps = 1, PromptEmbeddings = embeddings, Count = 2 }));
        Assert.Equal("prompt_embeds", e.ParameterName);
    }
}
