using System.Net;

namespace Diffuse.Server;

/// <summary>
/// The web studio's host: Kestrel on one address (127.0.0.1 unless told otherwise), the services, the endpoints,
/// and one error handler that turns every failure into a JSON message without a stack trace.
/// </summary>
public sealed class StudioHost
{
    public const int DefaultPort = 7860;

    /// <summary>The host, not started. <paramref name="url"/> is Kestrel's address (http://127.0.0.1:7860); tests replace the server.</summary>
    public static IHostBuilder CreateHostBuilder(StudioOptions options, string url) =>
        Host.CreateDefaultBuilder()
            // Warnings and errors of ours; the host's own start failure (a port in use) is reported once, on one line, by the caller.
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.Extensions.Hosting", LogLevel.None))
            .ConfigureWebHost(web => web
                .UseKestrel(kestrel =>
                {
                    kestrel.AddServerHeader = false;
                    kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
                    kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
                })
                .UseUrls(url)
                .ConfigureServices(services => AddServices(services, options))
                .Configure(Configure));

    public static void AddServices(IServiceCollection services, StudioOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<OutputGallery>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<GenerationQueues>();
        services.AddSingleton<TrainingJobs>();
        services.AddSingleton<RunMonitor>();
        services.AddSingleton<StaticAssets>();
        services.AddRouting();
    }

    public static void Configure(IApplicationBuilder app)
    {
        app.Use(HandleErrors);
        app.UseRouting();
        app.UseEndpoints(endpoints =>
        {
            FileEndpoints.Map(endpoints);
            GenerationEndpoints.Map(endpoints);
            RunEndpoints.Map(endpoints);
            endpoints.MapFallback(() => ApiError.NotFound("no such page or API").ToResult());
        });
    }

    /// <summary>True for 127.0.0.0/8, ::1 and "localhost": the addresses only this machine reaches.</summary>
    public static bool IsLoopback(string host) =>
        host == "localhost" || IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);

    static async Task HandleErrors(HttpContext context, Func<Task> next)
    {
        try { await next(); }
        catch (ApiError e) when (!context.Response.HasStarted) { await e.WriteAsync(context); }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            int status = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? e.StatusCode : StatusCodes.Status400BadRequest;
            await new ApiError(status, $"bad request: {e.Message.ReplaceLineEndings(" ")}").WriteAsync(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested) { }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            context.RequestServices.GetRequiredService<ILogger<StudioHost>>().LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            await new ApiError(StatusCodes.Status500InternalServerError, "internal error; the server's log has the details").WriteAsync(context);
        }
    }
}
