using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>Scalar special functions the BCL lacks, accurate to a few ulps in double precision.</summary>
internal static class SpecialFunctions
{
    /// <summary>erf(x) = (2/√π)∫₀ˣ e^{−t²} dt, from a table of Chebyshev interpolants (Note [Erf by table]).</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax >= ErfTableEnd) return Math.Sign(x);
        int j = (int)(ax * (1 / ErfPiece));
        double d = ax - (j + 0.5) * ErfPiece, t = d * (2 / ErfPiece);   // t in [−1, 1]
        // Clenshaw's recurrence for Σ' c_i T_i(t) (the first coefficient halved), then the piece's base and slope added back.
        ReadOnlySpan<double> c = ErfTable.AsSpan(j * ErfStride, ErfStride);
        double b1 = 0, b2 = 0, t2 = 2 * t;
        for (int i = ErfNodes + 1; i >= 3; i--)
        {
            double b0 = Math.FusedMultiplyAdd(t2, b1, c[i] - b2);
            b2 = b1;
            b1 = b0;
        }
        double v = c[0] + Math.FusedMultiplyAdd(c[1], d, Math.FusedMultiplyAdd(t, b1, 0.5 * c[2] - b2));
        return j < ErfRatioPieces ? x * v : x > 0 ? v : -v;
    }

    // Note [Erf by table]
    // erf on [0, 6.5) is cut into pieces of width 1/4; on each, f minus its value and tangent at the piece's midpoint m,
    // f(x) − f(m) − f'(m)(x − m), is interpolated at 13 Chebyshev nodes (degree 12) of the accurate but slow ErfReference.
    // Beyond 6.5, erf is ±1 in float64. On the first two pieces f is erf(x)/x (slope 0 taken), so x·f keeps full relative
    // accuracy down to the smallest x; elsewhere f is erf. Taking out value and tangent leaves coefficients of about 1e-2,
    // so the rounding of their sums (which at t = ±1 add up) stays small; fitting erf itself gave 27 ulps
    // at piece ends. The interpolation error on a piece of half-width h is at most 2·(h/2)^n·max|f⁽ⁿ⁾|/n! for n nodes
    // (Trefethen, "Approximation Theory and Approximation Practice", SIAM 2013, ch. 6 and 8; https://people.maths.ox.ac.uk/trefethen/ATAP/),
    // far below float64's ulp here. Coefficients: c_i = (2/n)·Σ_k g(t_k)·cos(iπ(k + ½)/n), t_k = cos(π(k + ½)/n); evaluation is
    // Clenshaw's recurrence, about 12 fused multiply-adds where the series took up to 60 terms with a division each (28 % of a
    // CharTransformer training step was that series, through exact GELU). tests/AutoGrad.Tests/Kernels/ErfTableTests.cs checks
    // it against ErfReference on a dense grid and at piece ends (within 24 ulps, 3e-15; the worst near 2.25) and against 30-digit values (16 ulps).
    private const double ErfPiece = 0.25, ErfTableEnd = 6.5;
    private const int ErfNodes = 13, ErfStride = ErfNodes + 2, ErfRatioPieces = 2;
    private static readonly double[] ErfTable = BuildErfTable();

    // Per piece: f(m), f'(m), then the 13 Chebyshev coefficients.
    private static double[] BuildErfTable()
    {
        int pieces = (int)(ErfTableEnd / ErfPiece);
        var table = new double[pieces * ErfStride];
        var g = new double[ErfNodes];
        for (int j = 0; j < pieces; j++)
        {
            bool ratio = j < ErfRatioPieces;
            double m = (j + 0.5) * ErfPiece;
            double fm = ratio ? ErfReference(m) / m : ErfReference(m);
            double slope = ratio ? 0 : 2 / Math.Sqrt(Math.PI) * Math.Exp(-m * m);
            for (int k = 0; k < ErfNodes; k++)
            {
                double x = m + Math.Cos(Math.PI * (k + 0.5) / ErfNodes) * (ErfPiece / 2);
                g[k] = (ratio ? ErfReference(x) / x : ErfReference(x)) - fm - slope * (x - m);
            }
            table[j * ErfStride] = fm;
            table[j * ErfStride + 1] = slope;
            for (int i = 0; i < ErfNodes; i++)
            {
                double sum = 0;
                for (int k = 0; k < ErfNodes; k++) sum += g[k] * Math.Cos(Math.PI * i * (k + 0.5) / ErfNodes);
                table[j * ErfStride + 2 + i] = 2.0 / ErfNodes * sum;
            }
        }
        return table;
    }

    /// <summary>erf of float32 values, eight at a time in float64 lanes where Vector512 is accelerated (Note [Erf in float32]).</summary>
    public static void ErfSingle(ReadOnlySpan<float> x, Span<float> y)
    {
        ReadOnlySpan<double> c = ErfSingleTable;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 16; i += 16)
            {
                var v = Vector512.Create(x.Slice(i, 16));
                var (lo, hi) = Vector512.Widen(v);
                var r = Vector512.Narrow(ErfSingle(lo, c), ErfSingle(hi, c));
                Vector512.ConditionalSelect(Vector512.Equals(v, v), r, v).CopyTo(y.Slice(i, 16));   // NaN stays NaN
            }
        }
        for (; i < x.Length; i++)
        {
            double xc = Math.Clamp((double)x[i], -ErfSingleEnd, ErfSingleEnd);
            double t = Math.FusedMultiplyAdd(xc * xc, 2 / (ErfSingleEnd * ErfSingleEnd), -1), t2 = 2 * t, b1 = 0, b2 = 0;
            for (int k = c.Length - 1; k >= 1; k--)
            {
                double b0 = Math.FusedMultiplyAdd(t2, b1, c[k] - b2);
                b2 = b1;
                b1 = b0;
            }
            y[i] = float.IsNaN(x[i]) ? x[i] : (float)(xc * Math.FusedMultiplyAdd(t, b1, 0.5 * c[0] - b2));
        }
    }

    internal static Vector512<double> ErfSingle(Vector512<double> x, ReadOnlySpan<double> c)
    {
        var end = Vector512.Create(ErfSingleEnd);
        var xc = Vector512.Min(Vector512.Max(x, -end), end);
        var t = Vector512.FusedMultiplyAdd(xc * xc, Vector512.Create(2 / (ErfSingleEnd * ErfSingleEnd)), Vector512.Create(-1.0));
        var t2 = t + t;
        var b1 = Vector512<double>.Zero;
        var b2 = Vector512<double>.Zero;
        for (int k = c.Length - 1; k >= 1; k--)
        {
            var b0 = Vector512.FusedMultiplyAdd(t2, b1, Vector512.Create(c[k]) - b2);
            b2 = b1;
            b1 = b0;
        }
        return xc * Vector512.FusedMultiplyAdd(t, b1, Vector512.Create(0.5 * c[0]) - b2);
    }

    // Note [Erf in float32]
    // A float32 erf needs ~1e-8 relative accuracy, not the float64 table's: erf(x)/x = h(x²) is an entire function of u = x²,
    // interpolated once at 20 Chebyshev nodes on u in [0, 16] (relative error 7e-11 against float64 erf in a Python model of
    // this code), so one polynomial serves every lane and vectorizes without per-lane tables. x is clamped to ±4, where
    // erf = 1 − 1.5e-8 already rounds to 1 in float32. x² of a float32 is exact in float64; the lanes and the scalar tail run the
    // same fused operations, so results do not depend on the length. ErfTableTests compares it with the float64 Erf.
    internal const double ErfSingleEnd = 4;
    internal static readonly double[] ErfSingleTable = BuildErfSingleTable(20);

    private static double[] BuildErfSingleTable(int n)
    {
        var h = new double[n];
        for (int k = 0; k < n; k++)
        {
            double u = ErfSingleEnd * ErfSingleEnd / 2 * (1 + Math.Cos(Math.PI * (k + 0.5) / n)), x = Math.Sqrt(u);
            h[k] = ErfReference(x) / x;
        }
        var c = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int k = 0; k < n; k++) sum += h[k] * Math.Cos(Math.PI * i * (k + 0.5) / n);
            c[i] = 2.0 / n * sum;
        }
        return c;
    }

    /// <summary>
    /// erf(x) by the series of positive terms erf x = (2/√π)·e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3···(2n+1)) for |x| &lt; 2.5 (DLMF 7.6.2,
    /// https://dlmf.nist.gov/7.6.E2; no cancellation, unlike the alternating Maclaurin series) and a continued fraction for erfc
    /// beyond: slow (up to 60 terms), the reference the table of <see cref="Erf"/> is built from.
    /// </summary>
    /// <remarks>
    /// Accuracy matters here beyond the usual: finite-difference gradient checks divide erf's error by ε = 1e-6, so a 1e-7
    /// approximation (Abramowitz–Stegun 7.1.26) would look like a wrong gradient.
    /// </remarks>
    internal static double ErfReference(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax < 2.5)
        {
            double x2 = ax * ax, lo = Math.FusedMultiplyAdd(ax, ax, -x2);   // x² = x2 + lo exactly: e^{−x²} = e^{−x2}(1 − lo)
            double term = ax, sum = ax;
            for (int n = 1; n < 200; n++)
            {
                term *= 2 * x2 / (2 * n + 1);
                sum += term;
                if (term < 1e-17 * sum) break;
            }
            double v = 2 / Math.Sqrt(Math.PI) * (Math.Exp(-x2) * (1 - lo)) * sum;
            return x < 0 ? -v : v;
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
