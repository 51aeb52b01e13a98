using System.Net;
using System.Net.Sockets;
using System.Text;
using Diffuse.Server;
using static Diffuse.Tests.Server.StudioClient;

namespace Diffuse.Tests.Server;

/// <summary>What needs a real socket: a client that hangs up cancels its job; the server listens on loopback only.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class StudioSocketTests(RealStudio studio) : IClassFixture<RealStudio>
{
    [Fact]
    public async Task A_client_that_goes_away_cancels_its_job()
    {
        using var client = new HttpClient { BaseAddress = new Uri(studio.Address) };
        // Loaded first, so the hang-up below lands while the job runs, not while the model loads.
        Assert.Equal(HttpStatusCode.OK, (await Generate(client, """{"model":"fashion-mnist","steps":1,"seed":1}""")).StatusCode);
        // A raw connection that sends its request and hangs up after a second, as curl --max-time 1 does.
        var body = """{"model":"fashion-mnist","steps":1000,"seed":99}""";
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(IPAddress.Loopback, new Uri(studio.Address).Port);
            await socket.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /api/generate?wait=true HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}"));
            await Task.Delay(1000);
        }
        var job = await WaitFor(() => studio.Service<JobStore>().All.SingleOrDefault(j => j.Seed == 99));
        await job.Ended.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.True(job.Step < 1000, $"the job ran to step {job.Step} of 1000");
        Assert.Equal(HttpStatusCode.OK, (await Generate(client, """{"model":"fashion-mnist","steps":2,"seed":1}""")).StatusCode);
    }

    static async Task<GenerationJob> WaitFor(Func<GenerationJob?> find)
    {
        for (int i = 0; i < 100; i++)
        {
            if (find() is { } job) return job;
            await Task.Delay(100);
        }
        throw new TimeoutException("the job never arrived");
    }

    [Fact]
    public async Task An_event_stream_closed_before_the_end_cancels_its_job()
    {
        using var client = new HttpClient { BaseAddress = new Uri(studio.Address) };
        var job = await ReadJson(await Generate(client, """{"model":"fashion-mnist","steps":1000,"seed":98}""", wait: false));
        var id = job.GetProperty("id").GetString()!;
        using (var stream = await client.GetStreamAsync($"/api/jobs/{id}/events"))
        {
            var buffer = new byte[256];
            Assert.True(await stream.ReadAsync(buffer) > 0);
        }
        var ended = studio.Service<JobStore>().Get(id);
        await ended.Ended.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(JobState.Cancelled, ended.State);
    }

    [Fact]
    public async Task Raw_traversal_paths_on_the_wire_get_nothing()
    {
        // Sent byte for byte (HttpClient would tidy the dots away), as curl --path-as-is does.
        var port = new Uri(studio.Address).Port;
        foreach (var path in new[] { "/outputs/../secret.txt", "/../secret.txt", "/static/../../secret.txt", "/runs/../secret.txt", "/outputs/%2e%2e/secret.txt", "/outputs/..%2fsecret.txt" })
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, port);
            var stream = socket.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
            var answer = await new StreamReader(stream).ReadToEndAsync();
            Assert.DoesNotContain(StudioFixture.SecretText, answer);
            Assert.Matches(@"^HTTP/1.1 (400|404)", answer);
        }
    }

    [Fact]
    public void It_listens_on_loopback_only()
    {
        Assert.StartsWith("http://127.0.0.1:", studio.Address);
        Assert.True(StudioHost.IsLoopback("127.0.0.1") && StudioHost.IsLoopback("::1") && StudioHost.IsLoopback("localhost"));
        Assert.False(StudioHost.IsLoopback("0.0.0.0") || StudioHost.IsLoopback("192.168.1.5"));
    }
}
