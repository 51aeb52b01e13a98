using Diffuse.Data;
using Diffuse.Evaluation;
using Diffuse.Pipelines;
using Diffuse.Tests.Cli;

namespace Diffuse.Tests.Shipped;

/// <summary>models/fashion-colours-t2i, copied beside the program: a text-to-image model trained here, held-out prompts included.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class ShippedTextToImageTests
{
    static string Folder => Path.Combine(AppContext.BaseDirectory, "models", "fashion-colours-t2i");

    [Fact]
    public void The_shipped_model_paints_a_held_out_pair_in_the_colour_asked_for()
    {
        using var pipeline = Assert.IsType<StableDiffusionPipeline>(DiffusionPipeline.Load(Folder));
        Assert.Equal(StableDiffusionPipeline.DiffusersClassName, pipeline.ClassName);
        Assert.NotNull(pipeline.Vae);
        Assert.Equal([3L, 28, 28], pipeline.ImageShape);
        Assert.Equal(["a</w>", "pink</w>", "ankle</w>", "boot</w>"], pipeline.TextEncoder.Tokenizer.Tokenize("a pink ankle boot"));
        foreach (var (prompt, colour) in new[] { ("a pink ankle boot", 7), ("a green dress", 3) })
        {
            using var result = pipeline.Generate(new GenerationOptions { Prompt = prompt, Count = 8, Steps = 20, Scheduler = "ddim", GuidanceScale = 3, Seed = 1 });
            Assert.Equal([8L, 3, 28, 28], result.Samples.shape);
            var colours = PromptAdherence.Colours(result.Samples);
            Assert.True(colours.Count(c => c == colour) >= 6, $"{prompt}: colours {string.Join(",", colours)}");
        }
    }

    [Fact]
    public void Sample_with_a_prompt_works_from_the_shipped_folder()
    {
        using var temp = new TempFolder();
        var output = temp.File("boot.png");
        var result = CliProcess.Run("sample", "--model", Folder, "--prompt", "a pink ankle boot", "--steps", "10", "--out", output);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        using var image = ImageDecoder.Decode(output, 3);
        Assert.Equal(3, image.shape[1]);
    }
}
