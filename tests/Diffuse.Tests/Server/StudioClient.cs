using System.Net;
using System.Text;
using System.Text.Json;

namespace Diffuse.Tests.Server;

/// <summary>Small helpers over HttpClient for the studio's JSON API.</summary>
public static class StudioClient
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<HttpResponseMessage> Generate(HttpClient client, string json, bool wait = true) =>
        await client.PostAsync(wait ? "/api/generate?wait=true" : "/api/generate", Json(json));

    public static async Task<JsonElement> ReadJson(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a refusal: the status, a JSON body with a one-line error, no stack trace.</summary>
    public static async Task<string> AssertRefused(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error").GetString()!;
        Assert.DoesNotContain("\n", error);
        Assert.DoesNotContain("   at ", text);
        return error;
    }

    public static byte[] PngBytes(string path) => File.ReadAllBytes(path);

    public static string DataUrl(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);
}
