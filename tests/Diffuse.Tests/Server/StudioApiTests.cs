using System.Net;
using System.Text.Json;
using Diffuse.Data;
using Diffuse.Pipelines;
using Diffuse.Server;
using Microsoft.Extensions.DependencyInjection;
using static Diffuse.Tests.Server.StudioClient;

namespace Diffuse.Tests.Server;

/// <summary>Every endpoint of the studio in-process: what it answers, and the images it makes equal the library's own.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class StudioApiTests(StudioFixture studio) : IClassFixture<StudioFixture>
{
    readonly HttpClient _client = studio.CreateClient();

    [Fact]
    public async Task The_page_and_its_files_are_served()
    {
        var page = await _client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Diffuse studio</title>", await page.Content.ReadAsStringAsync());
        foreach (var (file, type) in new[] { ("app.js", "text/javascript"), ("style.css", "text/css") })
        {
            var response = await _client.GetAsync($"/static/{file}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Models_are_described_by_what_their_pipelines_take()
    {
        var models = await ReadJson(await _client.GetAsync("/api/models"));
        var byName = models.EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal(["broken", "fashion-mnist", "fashion-mnist-superres-x2"], byName.Keys.Order());
        var classes = byName["fashion-mnist"];
        Assert.Equal(10, classes.GetProperty("class_count").GetInt32());
        Assert.False(classes.GetProperty("takes_text").GetBoolean());
        Assert.True(classes.GetProperty("edits").GetBoolean());
        Assert.Equal(28, classes.GetProperty("width").GetInt32());
        Assert.Equal("Ankle boot", classes.GetProperty("class_names")[9].GetString());
        var upscaler = byName["fashion-mnist-superres-x2"];
        Assert.False(upscaler.GetProperty("generates_from_noise").GetBoolean());
        Assert.Equal(2, upscaler.GetProperty("upscale_factor").GetInt32());
        Assert.Equal(14, upscaler.GetProperty("input_size").GetInt32());
        Assert.Contains("broken", byName["broken"].GetProperty("error").GetString());
    }

    [Fact]
    public async Task Generate_with_wait_answers_the_library_s_own_image_with_its_parameters()
    {
        var response = await Generate(_client, """{"model":"fashion-mnist","steps":5,"seed":1,"count":1}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var png = await response.Content.ReadAsByteArrayAsync();
        var parameters = PngText.Read(png, "parameters");
        Assert.Equal("Steps: 5, Sampler: DDIMScheduler, CFG scale: 1, Seed: 1, Size: 28x28, Model: fashion-mnist, Class: 1", parameters);

        // The same request through the front door: without a class, a class model takes seed mod 10.
        using var pipeline = DiffusionPipeline.Load(Path.Combine(studio.Models, "fashion-mnist"));
        using var expected = pipeline.Generate(new GenerationOptions { Steps = 5, Seed = 1, Count = 1, Classes = [1] });
        Assert.Equal(PngText.With(ImageGrid.EncodePng(expected.Samples, columns: 1, padding: 0), "parameters", parameters!), png);
    }

    [Fact]
    public async Task A_job_reports_progress_and_previews_as_events_then_lands_in_the_gallery()
    {
        var accepted = await Generate(_client, """{"model":"fashion-mnist","steps":150,"seed":7,"count":2,"class":[3],"sampler":"euler","guidance_scale":2}""", wait: false);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = await ReadJson(accepted);
        var id = job.GetProperty("id").GetString()!;
        var events = await _client.GetStringAsync(job.GetProperty("events").GetString());
        var progress = events.Split("\n\n").Where(e => e.StartsWith("event: progress")).Select(e => JsonDocument.Parse(e[(e.IndexOf("data: ") + 6)..]).RootElement).ToList();
        // Progress events may skip steps a slow reader missed; they count up to the job's 150 (enough steps that the stream opens before the end), and carry x̂₀ previews.
        Assert.Equal(150, progress.Max(p => p.GetProperty("steps").GetInt32()));
        var steps = progress.Select(p => p.GetProperty("step").GetInt32()).ToList();
        Assert.Equal(steps.Order(), steps);
        Assert.Contains(progress, p => p.TryGetProperty("preview", out var preview) && preview.GetString()!.StartsWith("data:image/png;base64,"));
        var done = events.Split("\n\n").Single(e => e.StartsWith("event: done"));
        Assert.Contains("\"step\":150,\"steps\":150", done);

        var state = await ReadJson(await _client.GetAsync($"/api/jobs/{id}"));
        Assert.Equal("done", state.GetProperty("state").GetString());
        Assert.Contains("Sampler: euler, CFG scale: 2, Seed: 7", state.GetProperty("parameters").GetString());
        var grid = await _client.GetAsync($"/api/jobs/{id}/image");
        Assert.Equal(HttpStatusCode.OK, grid.StatusCode);
        var images = state.GetProperty("images").EnumerateArray().Select(i => i.GetString()!).ToList();
        Assert.Equal(2, images.Count);
        foreach (var url in images)
        {
            var file = await _client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Contains("Class: 3", PngText.Read(await file.Content.ReadAsByteArrayAsync(), "parameters"));
        }
        var gallery = await ReadJson(await _client.GetAsync("/api/outputs"));
        Assert.Contains(gallery.EnumerateArray(), g => images.Contains(g.GetProperty("url").GetString()!));
    }

    [Fact]
    public async Task A_cancelled_job_stops_and_says_so()
    {
        var job = await ReadJson(await Generate(_client, """{"model":"fashion-mnist","steps":1000,"seed":2}""", wait: false));
        var id = job.GetProperty("id").GetString()!;
        var cancel = await _client.DeleteAsync($"/api/jobs/{id}");
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var events = await _client.GetStringAsync($"/api/jobs/{id}/events");
        Assert.Contains("event: cancelled", events);
        await AssertRefused(await _client.GetAsync($"/api/jobs/{id}/image"), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Image_to_image_and_inpainting_keep_what_they_should()
    {
        var start = await (await Generate(_client, """{"model":"fashion-mnist","steps":4,"seed":5,"class":7}""")).Content.ReadAsByteArrayAsync();
        var edited = await Generate(_client, $$"""{"model":"fashion-mnist","steps":10,"seed":6,"strength":0.5,"image":"{{DataUrl(start)}}"}""");
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Contains("Denoising strength: 0.5, Mode: img2img", PngText.Read(await edited.Content.ReadAsByteArrayAsync(), "parameters"));

        // Mask: left half black (generate), right half white (keep): the right half comes back exactly.
        using var maskImage = TorchSharp.torch.cat([TorchSharp.torch.full(1, 1, 28, 14, -1f), TorchSharp.torch.full(1, 1, 28, 14, 1f)], 3);
        var mask = ImageGrid.EncodePng(maskImage, columns: 1, padding: 0);
        var filled = await Generate(_client, $$"""{"model":"fashion-mnist","steps":10,"seed":6,"image":"{{DataUrl(start)}}","mask":"{{DataUrl(mask)}}"}""");
        Assert.Equal(HttpStatusCode.OK, filled.StatusCode);
        var result = await filled.Content.ReadAsByteArrayAsync();
        Assert.Contains("Mode: inpaint", PngText.Read(result, "parameters"));
        using var before = ImageDecoder.Decode(start, 1, "start");
        using var after = ImageDecoder.Decode(result, 1, "result");
        Assert.True(before.narrow(3, 14, 14).eq(after.narrow(3, 14, 14)).all().item<bool>(), "the kept half changed");
        Assert.False(before.narrow(3, 0, 14).eq(after.narrow(3, 0, 14)).all().item<bool>(), "the masked half was not generated");
    }

    [Fact]
    public async Task A_super_resolution_model_upscales_the_image_it_is_given()
    {
        using var small = TorchSharp.torch.linspace(-1, 1, 14 * 14).reshape(1, 1, 14, 14);
        var body = $$"""{"model":"fashion-mnist-superres-x2","steps":3,"seed":1,"image":"{{DataUrl(ImageGrid.EncodePng(small, columns: 1, padding: 0))}}"}""";
        var response = await Generate(_client, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var large = ImageDecoder.Decode(await response.Content.ReadAsByteArrayAsync(), 1, "large");
        Assert.Equal([1L, 1, 28, 28], large.shape);
    }

    [Fact]
    public async Task A_dropped_png_gives_back_its_settings()
    {
        var png = await (await Generate(_client, """{"model":"fashion-mnist","steps":3,"seed":12,"class":4,"sampler":"ddpm"}""")).Content.ReadAsByteArrayAsync();
        var info = await ReadJson(await _client.PostAsync("/api/png-info", new ByteArrayContent(png)));
        var settings = info.GetProperty("settings");
        Assert.Equal("fashion-mnist", settings.GetProperty("model").GetString());
        Assert.Equal(3, settings.GetProperty("steps").GetInt32());
        Assert.Equal(12, settings.GetProperty("seed").GetInt64());
        Assert.Equal(4, settings.GetProperty("class").GetInt32());
        Assert.Equal("ddpm", settings.GetProperty("sampler").GetString());
        var plain = await ReadJson(await _client.PostAsync("/api/png-info", new ByteArrayContent(ImageGrid.EncodePng(TorchSharp.torch.zeros(1, 1, 2, 2)))));
        Assert.False(plain.TryGetProperty("parameters", out _));
    }

    [Fact]
    public async Task A_failed_generation_leaves_the_model_s_queue_serving()
    {
        // Heun cannot start part-way: the library refuses inside the worker; the next job on that model still runs.
        var start = await (await Generate(_client, """{"model":"fashion-mnist","steps":2,"seed":1}""")).Content.ReadAsByteArrayAsync();
        var refused = await Generate(_client, $$"""{"model":"fashion-mnist","steps":4,"sampler":"heun","image":"{{DataUrl(start)}}"}""");
        Assert.Contains("heun", (await AssertRefused(refused, HttpStatusCode.BadRequest)).ToLowerInvariant());
        Assert.Equal(HttpStatusCode.OK, (await Generate(_client, """{"model":"fashion-mnist","steps":2,"seed":2}""")).StatusCode);
    }
}
