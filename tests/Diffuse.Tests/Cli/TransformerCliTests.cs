using Diffuse.Formats;
using static TorchSharp.torch;

namespace Diffuse.Tests.Cli;

/// <summary>
/// diffuse sample with the DiT and SD3 folders reproduces every diffusers run from its saved noise (tensor "sample"
/// within 1e-4 of its scale; shared/interop/tiny-dit and tiny-flow).
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class TransformerCliTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    static string Case(string name) => Path.Combine(Fixtures.InteropFolder, name);

    static double Relative(Tensor a, Tensor b) => (a - b).abs().max().item<float>() / Math.Max(1.0, b.abs().max().item<float>());

    void Check(string folder, string run, string[] args)
    {
        var tensors = _temp.File(run + ".safetensors");
        var result = CliInProcess.Run(["sample", "--model", Case(folder), .. args, "--init-noise", Path.Combine(Case(folder), "expected", "noise.safetensors"),
            "--save-tensor", tensors, "--out", _temp.File(run + ".png")]);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        using var scope = NewDisposeScope();
        double diff = Relative(SafetensorsFile.Read(tensors)["sample"], Fixtures.Load(Path.Combine(Case(folder), "expected", run + ".safetensors"))["sample"]);
        Assert.True(diff < 1e-4, $"{run}: {diff:E2} of the scale");
    }

    [Theory]
    [InlineData("ddim_10_g4", "ddim", "4")]
    [InlineData("ddim_10_g1", "ddim", "1")]
    [InlineData("dpmsolver_multistep_10_g4", "dpmsolver_multistep", "4")]
    [InlineData("dpmsolver_multistep_10_g1", "dpmsolver_multistep", "1")]
    public void Sample_reproduces_the_DiT_runs(string run, string sampler, string guidance) =>
        Check("tiny-dit", run, ["--class", "207,1", "--sampler", sampler, "--steps", "10", "--guidance-scale", guidance]);

    [Theory]
    [InlineData("euler_10_g5", "flow_euler", "10", "5")]
    [InlineData("euler_28_g5", "flow_euler", "28", "5")]
    [InlineData("euler_10_g1", "flow_euler", "10", "1")]
    [InlineData("heun_10_g5", "flow_heun", "10", "5")]
    public void Sample_reproduces_the_SD3_runs(string run, string sampler, string steps, string guidance) =>
        Check("tiny-flow", run, ["--prompt-embeds", Path.Combine(Case("tiny-flow"), "expected", "conditioning.safetensors"), "--sampler", sampler,
            "--steps", steps, "--guidance-scale", guidance]);

    [Fact]
    public void A_prompt_for_SD3_without_its_text_encoders_is_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", Case("tiny-flow"), "--prompt", "a cat", "--steps", "1", "--out", _temp.File("p.png")),
            "--prompt cannot be encoded here: a StableDiffusion3Pipeline needs SD3's text encoders (two CLIPs and T5), which this library does not include; pass their output as prompt embeddings");

    [Fact]
    public void A_class_outside_the_DiT_classes_is_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", Case("tiny-dit"), "--class", "1000", "--steps", "1", "--out", _temp.File("c.png")),
            "--class 1000 is outside the model's classes 0..999");
}
