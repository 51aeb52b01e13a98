using Diffuse.Data;

namespace Diffuse.Server;

/// <summary>
/// The page and the files it shows: the embedded page files, the gallery (outputs folder), and the PNG-info reader
/// that turns a dropped image's <c>parameters</c> chunk back into request fields.
/// </summary>
public static class FileEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", (StaticAssets assets) => assets.Serve("index.html"));
        app.MapGet("/static/{name}", (string name, StaticAssets assets) => assets.Serve(name));
        app.MapGet("/api/models", (ModelCatalog catalog) => Results.Json(catalog.List(), StudioJson.Options));
        app.MapGet("/api/outputs", (OutputGallery gallery, int? limit) => Results.Json(gallery.List(Math.Clamp(limit ?? 100, 1, 1000)), StudioJson.Options));
        app.MapGet("/outputs/{name}", (string name, OutputGallery gallery) =>
        {
            var path = name.EndsWith(".png", StringComparison.Ordinal) ? SafeName.In(gallery.Folder, name) : null;
            return path is not null && File.Exists(path)
                ? Results.File(path, "image/png")
                : ApiError.NotFound($"no image '{name}' in the outputs").ToResult();
        });
        app.MapPost("/api/png-info", async (HttpContext context, StudioOptions options) =>
        {
            var png = await RequestBody.ReadAsync(context.Request, options.MaxBodyBytes, context.RequestAborted);
            if (png.Length < 8 || png[0] != 137 || png[1] != (byte)'P')
                throw ApiError.BadRequest("the body is not a PNG file");
            var parameters = PngText.Read(png, GenerationParameters.Keyword);
            return Results.Json(new { parameters, settings = parameters is null ? [] : GenerationParameters.Parse(parameters) }, StudioJson.Options);
        });
    }
}
