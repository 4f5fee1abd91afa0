namespace AutoGrad.Kernels;

/// <summary>Scalar special functions the BCL lacks, accurate to a few ulps in double precision.</summary>
internal static class SpecialFunctions
{
    /// <summary>erf(x) = (2/√π)∫₀ˣ e^{−t²} dt.</summary>
    /// <remarks>
    /// Maclaurin series for |x| &lt; 2.5 and a continued fraction for erfc beyond. Accuracy matters here beyond
    /// the usual: finite-difference gradient checks divide erf's error by ε = 1e-6, so a 1e-7 approximation
    /// (Abramowitz–Stegun 7.1.26) would look like a wrong gradient.
    /// </remarks>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax < 2.5)
        {
            // erf(x) = 2/√π Σ (−1)ⁿ x^{2n+1} / (n! (2n+1))
            double term = x, sum = x, x2 = x * x;
            for (int n = 1; n < 200; n++)
            {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
            }
            return 2 / Math.Sqrt(Math.PI) * sum;
        }
        if (ax > 6.5) return Math.Sign(x);
        double erfc = Erfc(ax);
        return x > 0 ? 1 - erfc : erfc - 1;
    }

    /// <summary><c>ln(1 + u)</c>, accurate for tiny <c>u</c> where <c>ln(1 + u)</c> rounds <c>1 + u</c> to 1 (the BCL's <c>double.LogP1</c> does).</summary>
    /// <remarks>Kahan's form: with <c>w = 1 + u</c> rounded, <c>ln(w)·u/(w − 1)</c> cancels the rounding of <c>w</c> (W. Kahan, "Miscalculating Area and Angles of a Needle-like Triangle", 2014, §4).</remarks>
    public static double Log1P(double u)
    {
        double w = 1 + u;
        if (w == 1) return u;
        if (double.IsPositiveInfinity(w)) return w;
        return Math.Log(w) * u / (w - 1);
    }

    /// <summary><c>eˣ − 1</c>, accurate near 0 where <c>eˣ</c> rounds to 1 (Kahan's form: <c>(u − 1)·x/ln u</c> with <c>u = eˣ</c> rounded).</summary>
    public static double Expm1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1) return x;
        double um1 = u - 1;
        if (um1 == -1 || double.IsPositiveInfinity(u)) return um1;
        return um1 * x / Math.Log(u);
    }

    /// <summary>Softplus <c>ln(1 + eᶻ) = max(z, 0) + ln(1 + e^{−|z|})</c>, exact to a few ulps for every <c>z</c> (≈ eᶻ far below 0, z far above).</summary>
    public static double Softplus(double z) => Math.Max(z, 0) + Log1P(Math.Exp(-Math.Abs(z)));

    // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))) for x ≥ 2.5, evaluated bottom-up.
    private static double Erfc(double x)
    {
        double f = x;
        for (int k = 60; k >= 1; k--) f = x + k / 2.0 / f;
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }
}
