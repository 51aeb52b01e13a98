namespace Diffuse.Server;

/// <summary>Where a generation job is: waiting in its model's queue, running, or ended one of three ways.</summary>
public enum JobState { Queued, Running, Done, Failed, Cancelled }
