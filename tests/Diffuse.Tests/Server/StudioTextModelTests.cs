using System.Net;
using Diffuse.Data;
using Diffuse.Pipelines;
using static Diffuse.Tests.Server.StudioClient;

namespace Diffuse.Tests.Server;

/// <summary>A text model (tiny random Stable Diffusion): listed as taking a prompt and a size, and generating from one.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class StudioTextModelTests(TextStudioFixture studio) : IClassFixture<TextStudioFixture>
{
    readonly HttpClient _client = studio.CreateClient();

    [Fact]
    public async Task A_text_model_is_listed_as_taking_a_prompt_and_a_size()
    {
        var models = await ReadJson(await _client.GetAsync("/api/models"));
        var sd = models.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "tiny-sd");
        Assert.True(sd.GetProperty("takes_text").GetBoolean());
        Assert.True(sd.GetProperty("takes_image_size").GetBoolean());
        Assert.False(sd.TryGetProperty("class_count", out _));
        Assert.Equal(7.5, sd.GetProperty("default_guidance_scale").GetDouble());
        Assert.Equal(3, sd.GetProperty("channels").GetInt32());
    }

    [Fact]
    public async Task A_prompt_makes_the_library_s_image_and_is_written_into_its_parameters()
    {
        var response = await Generate(_client, """{"model":"tiny-sd","prompt":"a red cube","negative_prompt":"blurry","steps":3,"seed":11,"width":64,"height":64,"guidance_scale":5}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var png = await response.Content.ReadAsByteArrayAsync();
        var parameters = PngText.Read(png, "parameters");
        Assert.Equal("a red cube\nNegative prompt: blurry\nSteps: 3, Sampler: PNDMScheduler, CFG scale: 5, Seed: 11, Size: 64x64, Model: tiny-sd", parameters);
        using var pipeline = DiffusionPipeline.Load(Path.Combine(studio.Models, "tiny-sd"));
        using var expected = pipeline.Generate(new GenerationOptions { Prompt = "a red cube", NegativePrompt = "blurry", Steps = 3, Seed = 11, Width = 64, Height = 64, GuidanceScale = 5, Count = 1 });
        Assert.Equal(PngText.With(ImageGrid.EncodePng(expected.Samples, columns: 1, padding: 0), "parameters", parameters!), png);
    }

    [Fact]
    public async Task A_class_for_a_text_model_is_refused()
    {
        var refused = await Generate(_client, """{"model":"tiny-sd","prompt":"x","class":1,"steps":2}""");
        await AssertRefused(refused, HttpStatusCode.BadRequest);
        Assert.Equal("classes", (await ReadJson(refused)).GetProperty("field").GetString());
    }
}
