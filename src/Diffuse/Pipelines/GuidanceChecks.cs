namespace Diffuse.Pipelines;

/// <summary>The one check of a guidance scale, so every pipeline and command says the same thing.</summary>
public static class GuidanceChecks
{
    public static void Scale(double guidanceScale)
    {
        if (!(guidanceScale >= 0) || double.IsInfinity(guidanceScale))
            throw new DiffuseArgumentException("guidance_scale", $"must be 0 or more, 1 meaning no guidance (got {guidanceScale})");
    }
}
