namespace AutoGrad.Tests.Ops.Extreme;

/// <summary>
/// The extreme inputs every op is checked at, and how a result is compared with its float64 reference.
/// </summary>
/// <remarks>
/// Conventions (README, "Numerics at extreme values"):
/// - A value is compared with the reference rounded to the op's dtype: equal when that is NaN or ±∞, else within a few ulps of
///   it; a result below the smallest normal number may lose its subnormal bits (flush towards 0), so it gets an absolute slack of
///   the smallest normal number. The sign of a zero is not compared.
/// - At ±∞ and NaN the value is what the op's defining formula gives in IEEE arithmetic (so x·σ(x) at −∞ is ∞·0 = NaN); the
///   references are written as those formulas.
/// - Gradients are checked at every finite input against the analytic derivative (not finite differences, which cannot resolve
///   1e30 or a subnormal); at ±∞ and NaN inputs only the values are.
/// </remarks>
public static class ExtremeValues
{
    /// <summary>±0, the smallest subnormal, a mid subnormal, ±1, ±1e4, ±1e30, ±∞, NaN.</summary>
    public static readonly double[] Float32 =
    [
        0, -0.0, float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f, 1, -1, 1e4, -1e4, 1e30f, -1e30f,
        double.PositiveInfinity, double.NegativeInfinity, double.NaN,
    ];

    /// <summary>The float32 set with float64's subnormals and ±1e300.</summary>
    public static readonly double[] Float64 =
    [
        0, -0.0, double.Epsilon, -double.Epsilon, 1e-310, -1e-310, 1, -1, 1e4, -1e4, 1e30, -1e30, 1e300, -1e300,
        double.PositiveInfinity, double.NegativeInfinity, double.NaN,
    ];

    /// <summary>The finite magnitudes that row ops (softmax, reductions, losses) are run at.</summary>
    public static double[] Magnitudes(DType dt) => dt == DType.Float32 ? [1, 1e4, 1e30] : [1, 1e4, 1e16, 1e30, 1e300];

    public static double[] Inputs(DType dt) => dt == DType.Float32 ? Float32 : Float64;

    public static Tensor Make(double[] values, DType dt, params int[] shape) =>
        dt == DType.Float32 ? Tensor.FromArray(values.Select(v => (float)v).ToArray(), shape.Length == 0 ? [values.Length] : shape)
            : Tensor.FromArray((double[])values.Clone(), shape.Length == 0 ? [values.Length] : shape);

    public static double Round(double v, DType dt) => dt == DType.Float32 ? (float)v : v;

    private static double MinNormal(DType dt) => dt == DType.Float32 ? 1.1754943508222875e-38 : 2.2250738585072014e-308;

    private static double Ulp(double v, DType dt) =>
        dt == DType.Float32 ? MathF.BitIncrement(MathF.Abs((float)v)) - MathF.Abs((float)v) : Math.BitIncrement(Math.Abs(v)) - Math.Abs(v);

    /// <summary>Null when <paramref name="got"/> matches the reference <paramref name="want"/> (see the conventions above), else why not.</summary>
    /// <remarks>With <paramref name="scale"/>, the error is measured in ulps of it instead of the reference (a normwise comparison).</remarks>
    public static string? Mismatch(double got, double want, DType dt, double ulps, double? scale = null)
    {
        double w = Round(want, dt);
        if (double.IsNaN(w)) return double.IsNaN(got) ? null : $"got {got:R}, want NaN";
        if (double.IsInfinity(w)) return got == w ? null : $"got {got:R}, want {w:R}";
        if (!double.IsFinite(got)) return $"got {got:R}, want {w:R}";
        double unit = Ulp(Math.Max(Math.Abs(w), Round(scale ?? 0, dt)), dt);
        double err = Math.Abs(got - want), tol = ulps * unit + (Math.Abs(w) < MinNormal(dt) ? MinNormal(dt) : 0);
        return err <= tol ? null : $"got {got:R}, want {want:R} (error {err:G3}, {err / unit:G3} ulps; allowed {tol:G3})";
    }

    /// <summary>Every mismatch between two arrays, one line each with the element's input, or an empty string.</summary>
    public static string Mismatches(string what, double[] inputs, double[] got, double[] want, DType dt, double ulps, Func<int, bool>? check = null)
    {
        var lines = new List<string>();
        for (int i = 0; i < want.Length; i++)
        {
            if (check is not null && !check(i)) continue;
            var m = Mismatch(got[i], want[i], dt, ulps);
            if (m is not null) lines.Add($"{what} at x[{i}] = {(i < inputs.Length ? inputs[i].ToString("R") : "")}: {m}");
        }
        return string.Join("\n", lines);
    }
}
