using System.Collections.Concurrent;
using Diffuse.Folders;
using Diffuse.Pipelines;

namespace Diffuse.Server;

/// <summary>
/// The models folder: every child that is a pipeline folder, a training run (its <c>model/</c>) or a single-file
/// checkpoint, found again on each listing so new models appear. A model is loaded once, on first use, and kept;
/// a folder that fails to load is listed with its error. Models are looked up by the names listed, never by a
/// path from the request.
/// </summary>
public sealed class ModelCatalog(StudioOptions options, ILogger<ModelCatalog> logger) : IDisposable
{
    static readonly string[] CheckpointExtensions = [".safetensors", ".ckpt"];
    readonly ConcurrentDictionary<string, Lazy<Loaded>> _loaded = new();

    sealed record Loaded(DiffusionPipeline? Pipeline, ModelInfo Info);

    /// <summary>Model names and their paths, sorted by name.</summary>
    public IReadOnlyList<(string Name, string Path)> Find()
    {
        var root = new DirectoryInfo(options.ModelsFolder);
        if (!root.Exists) return [];
        var folders = root.EnumerateDirectories()
            .Where(d => !d.Name.StartsWith('.'))
            .Where(d => File.Exists(Path.Combine(d.FullName, PipelineFolder.ModelIndexFile))
                        || File.Exists(Path.Combine(d.FullName, "model", PipelineFolder.ModelIndexFile)))
            .Select(d => (d.Name, d.FullName));
        var files = root.EnumerateFiles()
            .Where(f => !f.Name.StartsWith('.') && CheckpointExtensions.Contains(f.Extension, StringComparer.OrdinalIgnoreCase))
            .Select(f => (f.Name, f.FullName));
        return folders.Concat(files).OrderBy(m => m.Item1, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<ModelInfo> List() => Find().Select(m => Load(m.Name, m.Path).Info).ToList();

    /// <summary>The loaded pipeline of a listed model: 404 for a name not listed, 400 for a folder that does not load.</summary>
    public (DiffusionPipeline Pipeline, ModelInfo Info) Get(string name)
    {
        var path = Find().FirstOrDefault(m => m.Name == name).Path
                   ?? throw ApiError.NotFound($"no model '{name}' in the models folder (GET /api/models lists them)");
        var loaded = Load(name, path);
        if (loaded.Pipeline is null) throw ApiError.BadRequest($"model '{name}' cannot be used: {loaded.Info.Error}", "model");
        return (loaded.Pipeline, loaded.Info);
    }

    Loaded Load(string name, string path) => _loaded.GetOrAdd(name, _ => new Lazy<Loaded>(() =>
    {
        try
        {
            var pipeline = DiffusionPipeline.Load(path);
            return new Loaded(pipeline, ModelInfo.Describe(name, pipeline));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Ours (a bad config, a missing file) or the runtime's: the model is listed with the reason, the server goes on.
            if (e is DiffuseException or IOException or UnauthorizedAccessException) logger.LogWarning("model {Name} does not load: {Message}", name, e.Message);
            else logger.LogError(e, "model {Name} does not load", name);
            return new Loaded(null, new ModelInfo { Name = name, Pipeline = "", Error = e.Message.ReplaceLineEndings(" ") });
        }
    })).Value;

    public void Dispose()
    {
        foreach (var lazy in _loaded.Values)
            if (lazy.IsValueCreated) lazy.Value.Pipeline?.Dispose();
    }
}
