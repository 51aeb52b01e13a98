namespace Diffuse.Training;

/// <summary>How a run ended: at which step, whether it reached --steps, and where its files are.</summary>
public sealed record TrainingOutcome(
    int Step,
    int SessionSteps,
    int Batch,
    bool Finished,
    string? Checkpoint,
    string? ModelFolder,
    string SamplesFile,
    double TotalSeconds,
    double SessionSeconds,
    double LastLoss);
