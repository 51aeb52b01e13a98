using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// The multistep updates of DPM-Solver (Lu et al. 2022a, "DPM-Solver", noise prediction) and DPM-Solver++ (Lu et al.
/// 2022b, data prediction), from σ_s to σ_t with h = λ_t − λ_s, λ = log(α/σ); α and σ of the VP process follow from
/// the VE σ as α = 1/sqrt(σ² + 1), σ_t = σ·α. Scalars in float32 and tensor operations in diffusers' order.
/// </summary>
static class DpmSolverUpdates
{
    readonly record struct Point(float Alpha, float Sigma, float Lambda);

    static Point At(float veSigma)
    {
        float alpha = 1f / MathF.Sqrt(veSigma * veSigma + 1f);
        float sigma = veSigma * alpha;
        return new Point(alpha, sigma, MathF.Log(alpha) - MathF.Log(sigma));
    }

    /// <summary>α_t and σ_t of the VP process at VE noise level σ.</summary>
    public static (float Alpha, float Sigma) AlphaSigma(float veSigma)
    {
        var p = At(veSigma);
        return (p.Alpha, p.Sigma);
    }

    static Tensor S(float value) => SchedulerChecks.Scalar(value);

    /// <summary>DPM-Solver-1, which is deterministic DDIM written in λ (Lu et al. 2022a, §3.3 and §4.1).</summary>
    public static Tensor FirstOrder(Tensor m0, Tensor sample, float sigmaS0, float sigmaT, bool dataPrediction)
    {
        Point s = At(sigmaS0), t = At(sigmaT);
        float h = t.Lambda - s.Lambda;
        return dataPrediction
            ? S(t.Sigma / s.Sigma) * sample - S(t.Alpha * (MathF.Exp(-h) - 1f)) * m0
            : S(t.Alpha / s.Alpha) * sample - S(t.Sigma * (MathF.Exp(h) - 1f)) * m0;
    }

    /// <summary>Multistep second order: DPM-Solver++(2M) (Algorithm 2) or its noise-prediction twin; midpoint or Heun.</summary>
    public static Tensor SecondOrder(Tensor m0, Tensor m1, Tensor sample, float sigmaS1, float sigmaS0, float sigmaT,
                                     bool dataPrediction, bool midpoint)
    {
        Point s1 = At(sigmaS1), s0 = At(sigmaS0), t = At(sigmaT);
        float h = t.Lambda - s0.Lambda, h0 = s0.Lambda - s1.Lambda;
        float r0 = h0 / h;
        var d1 = S(1f / r0) * (m0 - m1);
        if (dataPrediction)
        {
            float c = t.Alpha * (MathF.Exp(-h) - 1f);
            var x = S(t.Sigma / s0.Sigma) * sample - S(c) * m0;
            return midpoint ? x - S(0.5f * c) * d1 : x + S(t.Alpha * ((MathF.Exp(-h) - 1f) / h + 1f)) * d1;
        }
        float e = t.Sigma * (MathF.Exp(h) - 1f);
        var y = S(t.Alpha / s0.Alpha) * sample - S(e) * m0;
        return midpoint ? y - S(0.5f * e) * d1 : y - S(t.Sigma * ((MathF.Exp(h) - 1f) / h - 1f)) * d1;
    }

    /// <summary>Multistep third order: the third-order Taylor terms of Lu et al. 2022a/b with D1, D2 from two backward differences.</summary>
    public static Tensor ThirdOrder(Tensor m0, Tensor m1, Tensor m2, Tensor sample, float sigmaS2, float sigmaS1,
                                    float sigmaS0, float sigmaT, bool dataPrediction)
    {
        Point s2 = At(sigmaS2), s1 = At(sigmaS1), s0 = At(sigmaS0), t = At(sigmaT);
        float h = t.Lambda - s0.Lambda, h0 = s0.Lambda - s1.Lambda, h1 = s1.Lambda - s2.Lambda;
        float r0 = h0 / h, r1 = h1 / h;
        var d10 = S(1f / r0) * (m0 - m1);
        var d11 = S(1f / r1) * (m1 - m2);
        var d1 = d10 + S(r0 / (r0 + r1)) * (d10 - d11);
        var d2 = S(1f / (r0 + r1)) * (d10 - d11);
        if (dataPrediction)
        {
            float expm = MathF.Exp(-h) - 1f;
            return S(t.Sigma / s0.Sigma) * sample - S(t.Alpha * expm) * m0
                + S(t.Alpha * (expm / h + 1f)) * d1
                - S(t.Alpha * ((MathF.Exp(-h) - 1f + h) / (h * h) - 0.5f)) * d2;
        }
        float expp = MathF.Exp(h) - 1f;
        return S(t.Alpha / s0.Alpha) * sample - S(t.Sigma * expp) * m0
            - S(t.Sigma * (expp / h - 1f)) * d1
            - S(t.Sigma * ((MathF.Exp(h) - 1f - h) / (h * h) - 0.5f)) * d2;
    }
}
