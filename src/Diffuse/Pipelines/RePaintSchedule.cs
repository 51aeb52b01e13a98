namespace Diffuse.Pipelines;

/// <summary>RePaint's resampling (Lugmayr et al. 2022, §4.2): jump length j and resamplings r (the paper: j = 10, r = 10).</summary>
public sealed record RePaintSchedule(int Jump = 10, int Resample = 10);
