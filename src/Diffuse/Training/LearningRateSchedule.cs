namespace Diffuse.Training;

/// <summary>
/// Linear warm-up from 0 to the peak, then cosine decay to <c>peak · minRatio</c> at the last step
/// (Loshchilov &amp; Hutter 2017). Warm-up keeps Adam's early, badly estimated second moments from
/// throwing a freshly initialised network off with a large learning rate.
/// </summary>
public static class LearningRateSchedule
{
    public static double At(int step, int totalSteps, double peak, int warmupSteps, double minRatio = 0.0)
    {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        double progress = totalSteps <= warmupSteps ? 1.0 : (double)(step - warmupSteps) / (totalSteps - warmupSteps);
        progress = Math.Clamp(progress, 0.0, 1.0);
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * progress));
        return peak * (minRatio + (1 - minRatio) * cosine);
    }
}
