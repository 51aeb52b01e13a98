using System.Net;
using static Diffuse.Tests.Server.StudioClient;

namespace Diffuse.Tests.Server;

/// <summary>Every refusal: a JSON message with the right status, nothing from outside the served folders, no stack trace.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class StudioRefusalTests(StudioFixture studio) : IClassFixture<StudioFixture>
{
    readonly HttpClient _client = studio.CreateClient();

    [Theory]
    [InlineData("{ \"model\": ", null)]
    [InlineData("[1, 2]", null)]
    [InlineData("", null)]
    [InlineData("null", null)]
    [InlineData("""{"model":"fashion-mnist","steps":"five"}""", "steps")]
    [InlineData("""{"model":"fashion-mnist","stepz":5}""", null)]
    [InlineData("""{"steps":5}""", "model")]
    [InlineData("""{"model":"fashion-mnist","steps":0}""", "steps")]
    [InlineData("""{"model":"fashion-mnist","steps":5000}""", "steps")]
    [InlineData("""{"model":"fashion-mnist","count":100}""", "count")]
    [InlineData("""{"model":"fashion-mnist","width":100000}""", "width")]
    [InlineData("""{"model":"fashion-mnist","strength":2}""", "strength")]
    [InlineData("""{"model":"fashion-mnist","class":"shoe"}""", "class")]
    [InlineData("""{"model":"fashion-mnist","class":12,"steps":2}""", "classes")]
    [InlineData("""{"model":"fashion-mnist","prompt":"a cat","steps":2}""", "prompt")]
    [InlineData("""{"model":"fashion-mnist","sampler":"nope","steps":2}""", "scheduler")]
    [InlineData("""{"model":"fashion-mnist","guidance_scale":-3,"steps":2}""", "guidance_scale")]
    [InlineData("""{"model":"fashion-mnist","mask":"AAAA"}""", "mask")]
    [InlineData("""{"model":"fashion-mnist","image":"not base64!","steps":2}""", "image")]
    [InlineData("""{"model":"fashion-mnist","image":"aGVsbG8=","steps":2}""", null)]
    [InlineData("""{"model":"fashion-mnist-superres-x2","steps":2}""", "image")]
    [InlineData("""{"model":"broken"}""", "model")]
    public async Task A_malformed_or_impossible_generate_request_gets_400_with_a_json_message(string body, string? field)
    {
        var response = await Generate(_client, body);
        await AssertRefused(response, HttpStatusCode.BadRequest);
        if (field is not null) Assert.Equal(field, (await ReadJson(response)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task An_unknown_model_job_run_or_page_gets_404()
    {
        await AssertRefused(await Generate(_client, """{"model":"no-such-model"}"""), HttpStatusCode.NotFound);
        await AssertRefused(await Generate(_client, """{"model":"../models/fashion-mnist"}"""), HttpStatusCode.NotFound);
        await AssertRefused(await _client.GetAsync("/api/jobs/123456789abc"), HttpStatusCode.NotFound);
        await AssertRefused(await _client.GetAsync("/api/jobs/123456789abc/events"), HttpStatusCode.NotFound);
        await AssertRefused(await _client.DeleteAsync("/api/jobs/123456789abc"), HttpStatusCode.NotFound);
        await AssertRefused(await _client.GetAsync("/api/runs/nope"), HttpStatusCode.NotFound);
        await AssertRefused(await _client.GetAsync("/api/runs/nope/loss"), HttpStatusCode.NotFound);
        await AssertRefused(await _client.GetAsync("/runs/nope/loss.png"), HttpStatusCode.NotFound);
        await AssertRefused(await _client.GetAsync("/outputs/nothing.png"), HttpStatusCode.NotFound);
        await AssertRefused(await _client.GetAsync("/static/nothing.js"), HttpStatusCode.NotFound);
        await AssertRefused(await _client.GetAsync("/wp-admin"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413()
    {
        var huge = new string('A', 2 * 1024 * 1024);
        await AssertRefused(await Generate(_client, $$"""{"model":"fashion-mnist","image":"{{huge}}"}"""), HttpStatusCode.RequestEntityTooLarge);
        await AssertRefused(await _client.PostAsync("/api/png-info", new ByteArrayContent(new byte[2 * 1024 * 1024])), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_body_that_is_no_png_gets_400_from_png_info()
    {
        await AssertRefused(await _client.PostAsync("/api/png-info", Json("{}")), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/outputs/..%2Fsecret.txt")]
    [InlineData("/outputs/%2e%2e%2fsecret.txt")]
    [InlineData("/outputs/%2E%2E%2Fsecret.txt")]
    [InlineData("/outputs/%252e%252e%252fsecret.txt")]
    [InlineData("/outputs/..%5Csecret.txt")]
    [InlineData("/outputs/.%2e/secret.txt")]
    [InlineData("/outputs/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/static/..%2F..%2Fsecret.txt")]
    [InlineData("/static/%2e%2e%2f%2e%2e%2fsecret.txt")]
    [InlineData("/runs/..%2Fsecret.txt")]
    [InlineData("/runs/%2e%2e/secret.txt")]
    [InlineData("/runs/..%2F..%2F/secret.txt")]
    [InlineData("/runs/x/..%2F..%2Fsecret.txt")]
    [InlineData("/runs/%2e%2e/samples/secret.txt")]
    [InlineData("/api/runs/..%2F..%2Fsecret.txt/loss")]
    [InlineData("/api/runs/%2e%2e/loss")]
    [InlineData("/outputs/model_index.json")]
    [InlineData("/api/jobs/..%2F..%2Fsecret.txt/image")]
    public async Task A_path_traversal_attempt_gets_nothing_from_outside_the_folders(string url)
    {
        var response = await _client.GetAsync(url);
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(StudioFixture.SecretText, body);
        Assert.DoesNotContain("root:", body);
    }

    [Fact]
    public async Task A_generate_request_with_a_path_for_a_model_name_is_not_followed()
    {
        // A model is looked up by the names the listing gives, so an absolute path or a sibling folder is unknown.
        await AssertRefused(await Generate(_client, $$"""{"model":"{{studio.Models.Replace("\\", "/")}}/fashion-mnist"}"""), HttpStatusCode.NotFound);
        await AssertRefused(await Generate(_client, """{"model":"fashion-mnist/../fashion-mnist"}"""), HttpStatusCode.NotFound);
    }
}
