namespace AutoGrad.Kernels;

/// <summary>Scalar special functions the BCL lacks, accurate to a few ulps in double precision.</summary>
internal static class SpecialFunctions
{
    /// <summary>erf(x) = (2/√π)∫₀ˣ e^{−t²} dt.</summary>
    /// <remarks>
    /// Accuracy matters here beyond the usual: finite-difference gradient checks divide erf's error by ε = 1e-6, so a 1e-7
    /// approximation (Abramowitz–Stegun 7.1.26) would look like a wrong gradient. See Note [Erf by Taylor steps].
    /// </remarks>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax >= ErfSaturation) return Math.Sign(x);
        // Note [Erf by Taylor steps]
        // erf at the grid points x₀ = k/32 (0 ≤ x₀ ≤ 6.5) is tabled once with ErfReference, and erf(x₀ + h) for |h| ≤ 1/64 is
        // erf(x₀) + (2/√π)·e^{−x₀²}·Σₙ≥₁ (−1)ⁿ⁻¹ Hₙ₋₁(x₀)·hⁿ/n!, since dⁿ/dxⁿ e^{−x²} = (−1)ⁿ Hₙ(x) e^{−x²} (Hermite polynomials,
        // Hₙ₊₁ = 2x·Hₙ − 2n·Hₙ₋₁; DLMF 7.10 and 18.9, https://dlmf.nist.gov/7.10). Where x₀ is large, Hₙ(x₀) ≈ (2x₀)ⁿ and a term is
        // about (2x₀h)ⁿ/n! ≤ 0.21ⁿ/n!; where it is small, |Hₙ(x₀)| ≲ √(2ⁿn!); either way the 14th term is below 1e-17 of the sum.
        // So 14 multiply-adds give double precision, where the Maclaurin series needs up to 40 terms with a division each and the
        // continued fraction 60. k/32 is exact and h = |x| − x₀ is exact (Sterbenz), so the table carries the only rounding.
        int k = (int)(ax * ErfGridScale + 0.5);
        double x0 = k / ErfGridScale, h = ax - x0;
        double hn = h, sum = 0, hPrev = 0, hCur = 1;   // hⁿ, the sum, Hₙ₋₂ and Hₙ₋₁ (H₋₁ is multiplied by 0)
        for (int n = 1; n <= ErfTerms; n++)
        {
            sum += SignedInverseFactorials[n] * hn * hCur;
            double hNext = 2 * x0 * hCur - 2 * (n - 1) * hPrev;
            hPrev = hCur;
            hCur = hNext;
            hn *= h;
        }
        double r = ErfTable[k] + ErfScaleTable[k] * sum;
        return x < 0 ? -r : r;
    }

    private const int ErfTerms = 14;

    // (−1)ⁿ⁻¹/n! for n = 0 … ErfTerms (index 0 unused).
    private static readonly double[] SignedInverseFactorials = BuildSignedInverseFactorials();

    private static double[] BuildSignedInverseFactorials()
    {
        var t = new double[ErfTerms + 1];
        double f = 1;
        for (int n = 1; n <= ErfTerms; n++) { f *= n; t[n] = (n % 2 == 1 ? 1 : -1) / f; }
        return t;
    }

    private const double ErfGridScale = 32, ErfSaturation = 6.5;

    // erf(k/32) and (2/√π)·e^{−(k/32)²} for k = 0 … 6.5·32 (Note [Erf by Taylor steps]).
    private static readonly double[] ErfTable = BuildErfTable(), ErfScaleTable = BuildErfScaleTable();

    private static double[] BuildErfTable()
    {
        var t = new double[(int)(ErfSaturation * ErfGridScale) + 2];
        for (int k = 0; k < t.Length; k++) t[k] = ErfReference(k / ErfGridScale);
        return t;
    }

    private static double[] BuildErfScaleTable()
    {
        var t = new double[(int)(ErfSaturation * ErfGridScale) + 2];
        for (int k = 0; k < t.Length; k++) { double x0 = k / ErfGridScale; t[k] = 2 / Math.Sqrt(Math.PI) * Math.Exp(-x0 * x0); }
        return t;
    }

    /// <summary>
    /// erf by its Maclaurin series for |x| &lt; 1.5 and a continued fraction for erfc beyond: slow (up to 400 terms), within 2 ulps
    /// of erf computed in 40-digit arithmetic at every grid point k/32; builds <see cref="Erf"/>'s table and is its reference in the tests.
    /// </summary>
    internal static double ErfReference(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax < 1.5)
        {
            // erf(x) = 2/√π Σ (−1)ⁿ x^{2n+1} / (n! (2n+1)); beyond 1.5 its alternating terms cancel (45 ulps lost at 2.5).
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

    // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))) for x ≥ 1.5, evaluated bottom-up from 400 terms
    // (at 1.5, 60 terms were 58 ulps short of erf; 400 are exact at every grid point checked against 40-digit erf).
    private static double Erfc(double x)
    {
        double f = x;
        for (int k = 400; k >= 1; k--) f = x + k / 2.0 / f;
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }
}
