namespace Diffuse.Training;

/// <summary>What a training run reports after each step, for progress bars and logs.</summary>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double SmoothedLoss, double LearningRate, double Seconds);
