using System.Text.Json;

namespace Diffuse.Server;

/// <summary>
/// A refusal the client can act on: an HTTP status and a one-line message (and the request field it is about), sent
/// as JSON. Never a stack trace.
/// </summary>
public sealed class ApiError(int status, string message, string? field = null) : Exception(message)
{
    public int Status { get; } = status;

    public string? Field { get; } = field;

    /// <summary>Seconds the client should wait before trying again (429, 503).</summary>
    public int? RetryAfter { get; init; }

    public static ApiError BadRequest(string message, string? field = null) => new(StatusCodes.Status400BadRequest, message, field);

    public static ApiError NotFound(string message) => new(StatusCodes.Status404NotFound, message);

    public IResult ToResult() => Results.Json(new ErrorBody(Message, Field), StudioJson.Options, statusCode: Status);

    public async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = Status;
        if (RetryAfter is int seconds) context.Response.Headers.RetryAfter = seconds.ToString();
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new ErrorBody(Message, Field), StudioJson.Options));
    }
}

/// <summary>The JSON of every refusal: <c>{"error": "...", "field": "steps"}</c>.</summary>
public sealed record ErrorBody(string Error, string? Field);
