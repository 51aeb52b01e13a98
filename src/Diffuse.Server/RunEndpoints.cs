namespace Diffuse.Server;

/// <summary>The training monitor: runs, their losses and preview grids, and starting and stopping a run.</summary>
public static class RunEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/runs", (RunMonitor runs) => Results.Json(new { enabled = runs.Enabled, runs = runs.Enabled ? runs.List() : [] }, StudioJson.Options));
        app.MapGet("/api/runs/{name}", (string name, RunMonitor runs) => Results.Json(runs.Describe(Checked(name, runs)), StudioJson.Options));
        app.MapGet("/api/runs/{name}/loss", (string name, int? from, RunMonitor runs) =>
            Results.Json(runs.Losses(Checked(name, runs), Math.Max(0, from ?? 0)), StudioJson.Options));
        app.MapPost("/api/runs", async (HttpContext context, StudioOptions options, TrainingJobs training, RunMonitor runs) =>
        {
            _ = runs.Folder;
            var request = await RequestBody.ReadJsonAsync<TrainRequest>(context.Request, options.MaxBodyBytes, context.RequestAborted);
            training.Start(request);
            return Results.Json(runs.Describe(request.Name!), StudioJson.Options, statusCode: StatusCodes.Status202Accepted);
        });
        app.MapPost("/api/runs/{name}/stop", (string name, TrainingJobs training, RunMonitor runs) =>
        {
            training.Stop(Checked(name, runs));
            return Results.Json(runs.Describe(name), StudioJson.Options, statusCode: StatusCodes.Status202Accepted);
        });
        app.MapGet("/runs/{name}/{file}", (string name, string file, RunMonitor runs) => Serve(runs, name, null, file));
        app.MapGet("/runs/{name}/{sub}/{file}", (string name, string sub, string file, RunMonitor runs) => Serve(runs, name, sub, file));
    }

    static string Checked(string name, RunMonitor runs)
    {
        runs.RunFolder(name);
        return name;
    }

    static IResult Serve(RunMonitor runs, string name, string? sub, string file)
    {
        var path = runs.FilePath(Checked(name, runs), sub, file);
        return path is not null && File.Exists(path)
            ? Results.File(path, "image/png")
            : ApiError.NotFound($"no file '{file}' in run '{name}'").ToResult();
    }
}
