using System.Net;
using static Diffuse.Tests.Server.StudioClient;

namespace Diffuse.Tests.Server;

/// <summary>The bounded queue under load: 20 requests at once each get an image or a 429/503 with Retry-After, never a 500.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class StudioLoadTests(StudioFixture studio) : IClassFixture<StudioFixture>
{
    [Fact]
    public async Task Twenty_concurrent_generations_get_200_or_429_and_the_server_answers_after()
    {
        var client = studio.CreateClient();
        var requests = Enumerable.Range(0, 20).Select(i => Generate(client, $$"""{"model":"fashion-mnist","steps":100,"seed":{{i}}}""")).ToList();
        var responses = await Task.WhenAll(requests);
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable,
                        $"got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.True(response.Headers.RetryAfter?.Delta?.TotalSeconds >= 1, "429/503 without Retry-After");
                await AssertRefused(response, response.StatusCode);
            }
            else Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        }
        int ok = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        // The queue holds 4 (one running, three waiting) when the 20 arrive together (100 steps each keep the first
        // ones busy while the rest arrive), so at least 4 get through and some are refused.
        Assert.InRange(ok, studio.Options.QueueLimit, 19);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Generate(client, """{"model":"fashion-mnist","steps":3,"seed":100}""")).StatusCode);
    }
}
