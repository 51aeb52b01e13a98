using System.Text.Json;

namespace Diffuse.Server;

/// <summary>
/// Reads a request body within the size limit (413 past it, whatever the server in front says) and parses JSON
/// bodies into a request record (400 with the parser's one-line reason). Any content type is read as JSON, so
/// <c>curl -d '{...}'</c> works as it is.
/// </summary>
public static class RequestBody
{
    public static async Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken cancel)
    {
        if (request.ContentLength > limit) throw TooLarge(limit);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancel)) > 0)
        {
            if (buffer.Length + read > limit) throw TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, long limit, CancellationToken cancel) where T : class
    {
        var bytes = await ReadAsync(request, limit, cancel);
        if (bytes.Length == 0) throw ApiError.BadRequest("the request body is empty; send a JSON object");
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, StudioJson.Options)
                   ?? throw ApiError.BadRequest("the request body is null; send a JSON object");
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
            throw ApiError.BadRequest($"the request body is not the JSON expected: {e.Message.Split('\n')[0]}", field);
        }
    }

    static ApiError TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"the request body is larger than the server's limit of {limit} bytes");
}
