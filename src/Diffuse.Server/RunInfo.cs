namespace Diffuse.Server;

/// <summary>A training run folder as the monitor shows it.</summary>
public sealed record RunInfo
{
    public required string Name { get; init; }
    public int Step { get; init; }
    public int? TotalSteps { get; init; }
    public double? LastLoss { get; init; }
    /// <summary>Training by this server now (started from the page), or its last state: running, stopping, finished, stopped, failed.</summary>
    public string? State { get; init; }
    public string? Message { get; init; }
    public bool HasModel { get; init; }
    /// <summary>URLs of the preview grids, oldest first, and of the loss curve and final samples when they exist.</summary>
    public IReadOnlyList<string> Previews { get; init; } = [];
    public string? LossPlot { get; init; }
    public string? Samples { get; init; }
}
