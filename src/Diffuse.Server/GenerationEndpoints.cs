using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Connections.Features;

namespace Diffuse.Server;

/// <summary>
/// <c>POST /api/generate</c> and the job it makes: its status, its progress as server-sent events, its image, its
/// cancellation. A client that goes away (the waiting request, or the event stream before the end) cancels its job.
/// </summary>
public static class GenerationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/generate", Generate);
        app.MapGet("/api/jobs/{id}", (string id, JobStore jobs) => Results.Json(Describe(jobs.Get(id)), StudioJson.Options));
        app.MapGet("/api/jobs/{id}/events", Events);
        app.MapGet("/api/jobs/{id}/image", (string id, JobStore jobs) => Image(jobs.Get(id)));
        app.MapDelete("/api/jobs/{id}", (string id, JobStore jobs) =>
        {
            var job = jobs.Get(id);
            job.Cancel.Cancel();
            return Results.Json(Describe(job), StudioJson.Options, statusCode: StatusCodes.Status202Accepted);
        });
    }

    static async Task<IResult> Generate(HttpContext context, StudioOptions options, ModelCatalog catalog, GenerationQueues queues, JobStore jobs)
    {
        var aborted = context.RequestAborted;
        var request = await RequestBody.ReadJsonAsync<GenerateRequest>(context.Request, options.MaxBodyBytes, aborted);
        request.Check(options);
        var (_, info) = catalog.Get(request.Model!);
        if (request.Image is null && !info.GeneratesFromNoise)
            throw ApiError.BadRequest($"model '{info.Name}' needs an image to start from (send image)", "image");
        long seed = request.Seed is long s and >= 0 ? s : Random.Shared.NextInt64(0, uint.MaxValue);
        var job = new GenerationJob(info.Name, request, seed);
        queues.Enqueue(job);
        jobs.Add(job);
        context.Response.Headers["X-Job-Id"] = job.Id;
        if (!string.Equals(context.Request.Query["wait"], "true", StringComparison.OrdinalIgnoreCase))
            return Results.Json(Describe(job), StudioJson.Options, statusCode: StatusCodes.Status202Accepted);

        // Kestrel reads nothing more from an HTTP/1.1 connection while its request runs, so a client that hangs up
        // is seen by looking at the socket; the test server has none and reports it as RequestAborted.
        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        while (!job.Ended.IsCompleted)
        {
            await Task.WhenAny(job.Ended, Task.Delay(250, CancellationToken.None));
            if (aborted.IsCancellationRequested || socket is not null && HungUp(socket))
            {
                job.Cancel.Cancel();
                return Results.Empty;
            }
        }
        return Image(job);
    }

    /// <summary>True when the peer closed the connection: readable, with nothing to read.</summary>
    static bool HungUp(Socket socket)
    {
        try { return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0; }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { return true; }
    }

    static IResult Image(GenerationJob job) => job.State switch
    {
        JobState.Done => Results.Bytes(job.Png!, "image/png"),
        JobState.Failed or JobState.Cancelled => job.Error!.ToResult(),
        _ => Results.Json(Describe(job), StudioJson.Options, statusCode: StatusCodes.Status202Accepted),
    };

    /// <summary>Server-sent events: <c>progress</c> (step, steps, preview as a data URL), then <c>done</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    static async Task Events(string id, HttpContext context, JobStore jobs)
    {
        var job = jobs.Get(id);
        var aborted = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        int seen = -1;
        byte[]? sentPreview = null;
        try
        {
            while (true)
            {
                await job.ChangedAsync(seen, aborted);
                seen = job.Version;
                if (job.IsFinished)
                {
                    await Send(context, job.State.ToString().ToLowerInvariant(), Describe(job), aborted);
                    return;
                }
                var preview = ReferenceEquals(job.Preview, sentPreview) ? null : job.Preview;
                sentPreview = job.Preview;
                await Send(context, "progress", new
                {
                    state = job.State.ToString().ToLowerInvariant(),
                    step = job.Step,
                    steps = job.Steps,
                    preview = preview is null ? null : "data:image/png;base64," + Convert.ToBase64String(preview),
                }, aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The page closed or moved on before the end: nobody will look at the result.
            job.Cancel.Cancel();
        }
    }

    static async Task Send(HttpContext context, string name, object data, CancellationToken cancel)
    {
        await context.Response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, StudioJson.Options)}\n\n", cancel);
        await context.Response.Body.FlushAsync(cancel);
    }

    static JobDescription Describe(GenerationJob job) => new(
        job.Id, job.Model, job.State.ToString().ToLowerInvariant(), job.Seed, job.Step, job.Steps,
        $"/api/jobs/{job.Id}/events", job.State == JobState.Done ? $"/api/jobs/{job.Id}/image" : null,
        job.Files.Select(f => $"/outputs/{f}").ToList(), job.Parameters, job.Error?.Message,
        job.State == JobState.Done ? job.Seconds : null);
}

/// <summary>A job as the API describes it.</summary>
public sealed record JobDescription(string Id, string Model, string State, long Seed, int Step, int Steps, string Events,
                                    string? Image, IReadOnlyList<string> Images, string? Parameters, string? Error, double? Seconds);
