namespace Diffuse.Schedules;

/// <summary>What the denoising network outputs; diffusers' <c>prediction_type</c>.</summary>
public enum PredictionType
{
    /// <summary>The noise ε added to x_0 (Ho et al. 2020, eq. 14).</summary>
    Epsilon,

    /// <summary>The clean sample x_0 itself.</summary>
    Sample,

    /// <summary>The velocity v = sqrt(ᾱ_t)·ε − sqrt(1−ᾱ_t)·x_0 (Salimans &amp; Ho 2022, §4).</summary>
    VPrediction,
}
