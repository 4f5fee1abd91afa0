namespace AutoGrad.Tests.Ops.Extreme;

/// <summary>
/// Float64 references for the extreme-value rows, written as the defining formulas, each accurate to an ulp or two at the
/// inputs of <see cref="ExtremeValues"/> (where a plain formula is not, it is rearranged, and the comment says why).
/// </summary>
public static class ExtremeReferences
{
    /// <summary>σ(v), from whichever side does not overflow.</summary>
    public static double Sig(double v) => v >= 0 ? 1 / (1 + Math.Exp(-v)) : Math.Exp(v) / (1 + Math.Exp(v));

    /// <summary>σ'(v) = σ(v)·σ(−v), which keeps the tail that σ(1 − σ) rounds away.</summary>
    public static double SigD(double v) => Sig(v) * Sig(-v);

    /// <summary>ln(1 + u) for u ≥ 0, by its series below 1e-4 where 1 + u would round.</summary>
    public static double Log1P(double u) => u < 1e-4 ? u - u * u / 2 + u * u * u / 3 : Math.Log(1 + u);

    public static double Softplus(double v) => Math.Max(v, 0) + Log1P(Math.Exp(-Math.Abs(v)));

    /// <summary>erf by its Maclaurin series for |v| ≤ 1 (terms fall fast, nothing cancels), ±1 beyond 6.</summary>
    public static double Erf(double v)
    {
        if (double.IsNaN(v)) return v;
        if (Math.Abs(v) > 6) return Math.Sign(v);
        if (Math.Abs(v) > 1) throw new ArgumentOutOfRangeException(nameof(v), $"Erf reference: {v} is outside the checked points.");
        double term = v, sum = v;
        for (int n = 1; n < 40; n++)
        {
            term *= -v * v / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    /// <summary>Φ(v) = ½(1 + erf(v/√2)).</summary>
    public static double Phi(double v) => 0.5 * (1 + Erf(v / Math.Sqrt(2)));

    public static double Elu(double v, double a) => v > 0 ? v : a * (Math.Exp(v) - 1);

    public static double EluD(double v, double a) => v > 0 ? 1 : a * Math.Exp(v);

    /// <summary>tanh(softplus v), as n/(n + 2) with n = eᵛ(eᵛ + 2) below 0, where it is ≈ eᵛ.</summary>
    public static double TanhSoftplus(double v) => v > 0 ? Math.Tanh(Softplus(v)) : Math.Exp(v) * (Math.Exp(v) + 2) / (Math.Exp(v) * (Math.Exp(v) + 2) + 2);

    public static double Mish(double v) => v * TanhSoftplus(v);

    /// <summary>Mish' = tanh(sp) + v·sech²(sp)·σ(v), with sech² = 1 − tanh² (the second term vanishes wherever tanh² → 1).</summary>
    public static double MishD(double v)
    {
        double t = TanhSoftplus(v);
        return t + v * (1 - t * t) * Sig(v);
    }

    private static readonly double s_k = Math.Sqrt(2 / Math.PI);

    /// <summary>½v(1 + tanh u) = v·σ(2u), u = √(2/π)(v + 0.044715v³).</summary>
    public static double GeluTanh(double v) => v * Sig(2 * s_k * (v + 0.044715 * v * v * v));

    /// <summary>Its derivative σ(2u) + v·σ'(2u)·2u'; beyond |v| = 30 the second term is below 1e-300 (and u' would overflow at 1e300).</summary>
    public static double GeluTanhD(double v)
    {
        if (Math.Abs(v) > 30) return v > 0 ? 1 : 0;
        double u2 = 2 * s_k * (v + 0.044715 * v * v * v);
        return Sig(u2) + v * SigD(u2) * 2 * s_k * (1 + 3 * 0.044715 * v * v);
    }

    public static double InRange(double v, double lo, double hi) => v >= lo && v <= hi ? 1 : 0;

    /// <summary>
    /// ln(1 + v) = 2·atanh(v/(2 + v)) for |v| ≤ 1, which rounds nothing that cancels (a form independent of the library's); beyond,
    /// the plain ln(1 + v), whose rounding of 1 + v costs at most an ulp there.
    /// </summary>
    public static double Log1pReference(double v) =>
        double.IsNaN(v) || v < -1 ? double.NaN : v > 1 ? Math.Log(1 + v) : 2 * Math.Atanh(v / (2 + v));

    /// <summary>eᵛ − 1 = 2·tanh(v/2)/(1 − tanh(v/2)) for |v| &lt; 1 (no cancellation there), eᵛ − 1 beyond (at most a bit lost).</summary>
    public static double Expm1Reference(double v) =>
        Math.Abs(v) < 1 ? 2 * Math.Tanh(v / 2) / (1 - Math.Tanh(v / 2)) : Math.Exp(v) - 1;
}
