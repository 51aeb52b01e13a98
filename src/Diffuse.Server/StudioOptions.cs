namespace Diffuse.Server;

/// <summary>What <c>diffuse serve</c> serves and the limits it keeps.</summary>
public sealed record StudioOptions
{
    /// <summary>Model folders (diffusers layout, training runs, or single-file checkpoints), one a child.</summary>
    public required string ModelsFolder { get; init; }

    /// <summary>Training runs to monitor and start; null: the training monitor is off.</summary>
    public string? RunsFolder { get; init; }

    /// <summary>Where generated PNGs are kept (the gallery).</summary>
    public required string OutputsFolder { get; init; }

    /// <summary>Jobs per model waiting or running; past it a request gets 429 with Retry-After.</summary>
    public int QueueLimit { get; init; } = 4;

    /// <summary>Largest request body in bytes (an uploaded image and mask fit well inside).</summary>
    public long MaxBodyBytes { get; init; } = 8 * 1024 * 1024;

    public int MaxSteps { get; init; } = 1000;

    public int MaxCount { get; init; } = 16;

    /// <summary>Largest width or height in pixels a request may ask for.</summary>
    public int MaxImageSize { get; init; } = 1024;

    /// <summary>Finished jobs kept for their client to fetch; older ones are forgotten (their files stay in the outputs folder).</summary>
    public int JobsKept { get; init; } = 200;
}
