namespace Diffuse.Schedulers;

/// <summary>
/// q(x_{t_prev} | x_t, x_0) = N(OriginalCoeff·x_0 + SampleCoeff·x_t, Variance) (Ho et al. 2020, eqs. 6–7), as used
/// by one DDPM step.
/// </summary>
public readonly record struct PosteriorCoefficients(float OriginalCoeff, float SampleCoeff, float Variance);
