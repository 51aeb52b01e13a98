using System.Net;
using System.Text.Json;
using static Diffuse.Tests.Server.StudioClient;

namespace Diffuse.Tests.Server;

/// <summary>The training monitor: a run started from the API trains, logs, previews and finishes; a stop saves a checkpoint that resumes.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class StudioTrainingTests(StudioFixture studio) : IClassFixture<StudioFixture>
{
    readonly HttpClient _client = studio.CreateClient();

    async Task<JsonElement> WaitForState(string name, params string[] states)
    {
        for (int i = 0; i < 600; i++)
        {
            var run = await ReadJson(await _client.GetAsync($"/api/runs/{name}"));
            if (run.TryGetProperty("state", out var state) && states.Contains(state.GetString())) return run;
            await Task.Delay(200);
        }
        throw new TimeoutException($"run {name} never reached {string.Join("/", states)}");
    }

    [Fact]
    public async Task A_run_started_here_trains_logs_every_step_previews_and_saves_its_model()
    {
        var started = await _client.PostAsync("/api/runs", Json("""{"name":"short","preset":"tiny","steps":6,"batch":8,"sample_every":3,"sample_steps":2,"sample_count":4,"checkpoint_every":3}"""));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var run = await WaitForState("short", "finished", "failed");
        Assert.Equal("finished", run.GetProperty("state").GetString());
        Assert.True(run.GetProperty("has_model").GetBoolean());
        var losses = await ReadJson(await _client.GetAsync("/api/runs/short/loss"));
        Assert.Equal([1, 2, 3, 4, 5, 6], losses.EnumerateArray().Select(r => r.GetProperty("step").GetInt32()));
        Assert.All(losses.EnumerateArray(), r => Assert.True(double.IsFinite(r.GetProperty("loss").GetDouble())));
        var later = await ReadJson(await _client.GetAsync("/api/runs/short/loss?from=4"));
        Assert.Equal([5, 6], later.EnumerateArray().Select(r => r.GetProperty("step").GetInt32()));
        var preview = run.GetProperty("previews").EnumerateArray().Single().GetString()!;
        Assert.Equal("/runs/short/samples/step-000003.png", preview);
        foreach (var url in new[] { preview, run.GetProperty("loss_plot").GetString()!, run.GetProperty("samples").GetString()! })
        {
            var file = await _client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        }
        var listed = await ReadJson(await _client.GetAsync("/api/runs"));
        Assert.Contains(listed.GetProperty("runs").EnumerateArray(), r => r.GetProperty("name").GetString() == "short");
        await AssertRefused(await _client.PostAsync("/api/runs", Json("""{"name":"short","steps":6}""")), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_stop_saves_a_checkpoint_that_resumes()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync("/api/runs", Json("""{"name":"long","preset":"tiny","steps":100000,"batch":8,"sample_every":0,"sample_steps":2,"sample_count":4}"""))).StatusCode);
        await AssertRefused(await _client.PostAsync("/api/runs", Json("""{"name":"other","steps":5}""")), HttpStatusCode.Conflict);
        for (int i = 0; i < 300 && (await ReadJson(await _client.GetAsync("/api/runs/long"))).GetProperty("step").GetInt32() < 3; i++) await Task.Delay(100);
        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync("/api/runs/long/stop", null)).StatusCode);
        var stopped = await WaitForState("long", "stopped", "failed");
        Assert.Equal("stopped", stopped.GetProperty("state").GetString());
        int step = stopped.GetProperty("step").GetInt32();
        Assert.True(Directory.Exists(Path.Combine(studio.Runs, "long", $"checkpoint-{step:D6}")), $"no checkpoint at step {step}");
        await AssertRefused(await _client.PostAsync("/api/runs/long/stop", null), HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync("/api/runs", Json($$"""{"name":"long","resume":true,"steps":{{step + 2}}}"""))).StatusCode);
        var finished = await WaitForState("long", "finished", "failed");
        Assert.Equal("finished", finished.GetProperty("state").GetString());
        var losses = await ReadJson(await _client.GetAsync("/api/runs/long/loss"));
        Assert.Equal(Enumerable.Range(1, step + 2), losses.EnumerateArray().Select(r => r.GetProperty("step").GetInt32()));
    }

    [Theory]
    [InlineData("""{"name":"../escape","steps":5}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"name":".hidden","steps":5}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps":5}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"name":"x","data":"/etc/passwd"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"name":"x","preset":"huge"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"name":"x","steps":0}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"name":"x","lr":"fast"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"name":"never-ran","resume":true}""", HttpStatusCode.BadRequest)]
    public async Task A_bad_training_request_is_refused(string body, HttpStatusCode status)
    {
        await AssertRefused(await _client.PostAsync("/api/runs", Json(body)), status);
        Assert.False(Directory.Exists(Path.Combine(studio.Root.Path, "escape")));
    }

    [Fact]
    public async Task Stopping_a_run_that_is_not_training_here_is_refused()
    {
        await AssertRefused(await _client.PostAsync("/api/runs/nope/stop", null), HttpStatusCode.NotFound);
    }
}
