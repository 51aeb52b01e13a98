using System.Reflection;

namespace Diffuse.Server;

/// <summary>
/// The page's files (index.html, app.js, style.css), embedded in the assembly and looked up by exact name, so a
/// request can name nothing else.
/// </summary>
public sealed class StaticAssets
{
    const string Prefix = "Diffuse.Server.wwwroot.";
    readonly Dictionary<string, (byte[] Bytes, string ContentType)> _files = new(StringComparer.Ordinal);

    public StaticAssets()
    {
        var assembly = typeof(StaticAssets).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[Prefix.Length..];
            _files[name] = (copy.ToArray(), ContentType(name));
        }
    }

    public IReadOnlyCollection<string> Names => _files.Keys;

    public IResult Serve(string name) => _files.TryGetValue(name, out var file)
        ? Results.Bytes(file.Bytes, file.ContentType)
        : ApiError.NotFound($"no file '{name}'").ToResult();

    static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
