using Diffuse.Formats;
using static TorchSharp.torch;

namespace Diffuse.Tests.Cli;

/// <summary>
/// diffuse sample with a Stable Diffusion folder or single file reproduces diffusers' runs from the saved noise: the final
/// latents and the decoded image within 1e-4 of their scale (shared/interop/tiny-sd/expected).
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class StableDiffusionCliTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    static string Folder => Path.Combine(Fixtures.InteropFolder, "tiny-sd");
    static string SingleFile => Path.Combine(Fixtures.InteropFolder, "tiny-sd-single-file", "tiny-sd.safetensors");
    static string Expected(string file) => Path.Combine(Folder, "expected", file);

    static double Relative(Tensor a, Tensor b) => (a - b).abs().max().item<float>() / Math.Max(1.0, b.abs().max().item<float>());

    [Theory]
    [InlineData("txt2img_pndm_20", "pndm", "20", "7.5", false)]
    [InlineData("txt2img_euler_15", "euler", "15", "7.5", false)]
    [InlineData("txt2img_dpmpp2m_10", "dpm++", "10", "7.5", false)]
    [InlineData("txt2img_pndm_20_nocfg", "pndm", "20", "1", false)]
    [InlineData("txt2img_ddim_10", "ddim", "10", "7.5", true)]
    public void Sample_reproduces_diffusers_from_the_saved_noise(string run, string sampler, string steps, string guidance, bool singleFile)
    {
        var tensors = _temp.File(run + ".safetensors");
        string[] model = singleFile ? ["--model", SingleFile, "--config", Folder] : ["--model", Folder];
        var result = CliInProcess.Run(["sample", .. model, "--prompt", "a photo of an astronaut riding a horse", "--sampler", sampler,
            "--steps", steps, "--guidance-scale", guidance, "--init-noise", Expected("noise.safetensors"), "--save-tensor", tensors,
            "--out", _temp.File(run + ".png")]);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        using var scope = NewDisposeScope();
        var ours = SafetensorsFile.Read(tensors);
        var theirs = Fixtures.Load(Expected(run + ".safetensors"));
        double latents = Relative(ours["latents"], theirs["latents"]), image = Relative(ours["image"], theirs["image"]);
        Assert.True(latents < 1e-4 && image < 1e-4, $"{run}: latents {latents:E2}, image {image:E2} of their scale");
    }

    [Fact]
    public void Height_not_a_multiple_of_eight_is_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", Folder, "--prompt", "x", "--height", "60", "--out", "x.png"),
            "--height must be a positive multiple of 8 (got 60)");

    [Fact]
    public void A_prompt_past_77_tokens_is_cut_with_a_warning()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("astronaut", 90));
        var result = CliInProcess.Run("sample", "--model", Folder, "--prompt", prompt, "--steps", "1", "--sampler", "ddim", "--out", _temp.File("long.png"));
        Assert.True(result.ExitCode == 0, result.AllOutput);
        // 90 words and the bos and eos tokens: 92 tokens, as transformers counts them.
        Assert.Contains("warning: the prompt is 92 tokens but CLIP reads 77: the rest is ignored", result.StdOut);
    }

    [Fact]
    public void A_prompt_for_a_model_without_text_is_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("sample", "--prompt", "a shoe", "--steps", "1", "--out", _temp.File("p.png")),
            "--prompt does not apply: this DiffuseClassConditionalPipeline is not conditioned on text");

    [Fact]
    public void A_folder_missing_its_vae_is_one_line_and_loads_nothing()
    {
        var copy = _temp.File("no-vae");
        foreach (var file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Folder, file);
            if (relative.StartsWith("vae", StringComparison.Ordinal) || relative.StartsWith("expected", StringComparison.Ordinal)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, relative))!);
            File.Copy(file, Path.Combine(copy, relative));
        }
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", copy, "--prompt", "x", "--out", _temp.File("v.png")),
            "a StableDiffusionPipeline folder needs vae/, which is missing");
    }
}
