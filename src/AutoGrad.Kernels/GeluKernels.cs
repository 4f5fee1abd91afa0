using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>GELU <c>y = x·Φ(x) = ½x(1 + erf(x/√2))</c> in one pass (<see cref="GeluKernels"/>); NaN stays NaN.</summary>
internal readonly struct GeluKernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) GeluKernels.ForwardSingle(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        else for (int i = 0; i < x.Length; i++) y[i] = T.CreateTruncating(GeluKernels.Gelu(double.CreateTruncating(x[i])));
    }
}

/// <summary>
/// The exact (erf) GELU and its derivative <c>Φ(x) + x·φ(x)</c> as single passes, where the composed form makes five passes
/// forward and about ten backward over the activation (Note [Fused GELU]).
/// </summary>
internal static class GeluKernels
{
    private const double InvSqrt2 = 0.70710678118654752440;     // 1/√2
    private const double InvSqrt2Pi = 0.39894228040143267794;   // 1/√(2π)

    // Note [Fused GELU]
    // float64: erf from SpecialFunctions.Erf (the accurate table), eˣ from Math.Exp, element by element.
    // float32: in float64 lanes, eight at a time, with the float32 erf polynomial of Note [Erf in float32] in SpecialFunctions.cs
    // (relative error 7e-11 on |x/√2| ≤ 4), and erf taken as exactly ±1 beyond it, so 1 + erf is exactly 0 far below 0 and
    // y = x·0 there (the polynomial clamps at ±4, where 1 − erf(4) = 1.5e-8 would otherwise leave y ≈ −7.7e21 at x = −1e30).
    // That zeroes y below x = −4√2 ≈ −5.66, where |x·Φ(x)| < 4.3e-8: what float32's 1 + erf rounds to anyway. Lengths that
    // are not a multiple of 16 run their tail through the same lanes from a zero-padded copy, so results never depend on the
    // length or position. The derivative Φ(x) + x·e^{−x²/2}/√(2π) uses Vector512.Exp; x·0 = ±0 where x² overflows e^{−x²/2}.
    // Checked against the float64 reference by the op table (OpTable.Activations.cs), ExtremeElementwiseTable and
    // KernelLengthSweepTests; the composed form stays the rule under createGraph and in op traces (Activations.Gelu).

    /// <summary>GELU of one float64 value.</summary>
    public static double Gelu(double x) => 0.5 * x * (1 + SpecialFunctions.Erf(x * InvSqrt2));

    /// <summary>GELU's derivative <c>Φ(x) + x·φ(x)</c> at one float64 value.</summary>
    public static double Derivative(double x) =>
        0.5 * (1 + SpecialFunctions.Erf(x * InvSqrt2)) + x * InvSqrt2Pi * Math.Exp(-0.5 * x * x);

    /// <summary><c>dx = g·GELU'(x)</c> over spans of equal length.</summary>
    public static void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            BackwardSingle(MemoryMarshal.Cast<T, float>(g), MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(dx));
        else
            for (int i = 0; i < x.Length; i++) dx[i] = T.CreateTruncating(double.CreateTruncating(g[i]) * Derivative(double.CreateTruncating(x[i])));
    }

    /// <summary>GELU of float32 values (Note [Fused GELU]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // called a few times a step: tier-0 Vector512 code would time whole short runs
    public static void ForwardSingle(ReadOnlySpan<float> x, Span<float> y)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            for (int i = 0; i < x.Length; i++) y[i] = (float)Gelu(x[i]);
            return;
        }
        int n = x.Length - x.Length % 16;
        for (int i = 0; i < n; i += 16) Forward16(x.Slice(i, 16), y.Slice(i, 16));
        if (n == x.Length) return;
        Span<float> xt = stackalloc float[16], yt = stackalloc float[16];
        xt.Clear();
        x[n..].CopyTo(xt);
        Forward16(xt, yt);
        yt[..(x.Length - n)].CopyTo(y[n..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // called a few times a step: tier-0 Vector512 code would time whole short runs
    private static void BackwardSingle(ReadOnlySpan<float> g, ReadOnlySpan<float> x, Span<float> dx)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            for (int i = 0; i < x.Length; i++) dx[i] = (float)(g[i] * Derivative(x[i]));
            return;
        }
        int n = x.Length - x.Length % 16;
        for (int i = 0; i < n; i += 16) Backward16(g.Slice(i, 16), x.Slice(i, 16), dx.Slice(i, 16));
        if (n == x.Length) return;
        Span<float> gt = stackalloc float[16], xt = stackalloc float[16], dt = stackalloc float[16];
        gt.Clear();
        xt.Clear();
        g[n..].CopyTo(gt);
        x[n..].CopyTo(xt);
        Backward16(gt, xt, dt);
        dt[..(x.Length - n)].CopyTo(dx[n..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward16(ReadOnlySpan<float> x, Span<float> y)
    {
        var (lo, hi) = Vector512.Widen(Vector512.Create(x));
        var (pl, ph) = Phi16(lo, hi);
        Vector512.Narrow(lo * pl, hi * ph).CopyTo(y);   // NaN in x gives NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Backward16(ReadOnlySpan<float> g, ReadOnlySpan<float> x, Span<float> dx)
    {
        var (xl, xh) = Vector512.Widen(Vector512.Create(x));
        var (gl, gh) = Vector512.Widen(Vector512.Create(g));
        var (pl, ph) = Phi16(xl, xh);
        Vector512.Narrow(gl * (pl + Density(xl)), gh * (ph + Density(xh))).CopyTo(dx);
    }

    // x·φ(x) = x·e^{−x²/2}/√(2π)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector512<double> Density(Vector512<double> x) => x * Vector512.Create(InvSqrt2Pi) * Vector512.Exp(Vector512.Create(-0.5) * x * x);

    // ½(1 + erf(x/√2)) = Φ(x) of two vectors, with erf exactly ±1 where |x/√2| ≥ 4 (Note [Fused GELU]). The erf is
    // SpecialFunctions.ErfSingle's Clenshaw sum, the same operations lane for lane, with the two vectors' recurrences
    // interleaved: one recurrence alone waits on each fused multiply-add's latency (ErfSingle was 10 % of a CharTransformer
    // step under perf when called vector by vector).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (Vector512<double>, Vector512<double>) Phi16(Vector512<double> x0, Vector512<double> x1)
    {
        ReadOnlySpan<double> c = SpecialFunctions.ErfSingleTable;
        var end = Vector512.Create(SpecialFunctions.ErfSingleEnd);
        var scale = Vector512.Create(2 / (SpecialFunctions.ErfSingleEnd * SpecialFunctions.ErfSingleEnd));
        var minusOne = Vector512.Create(-1.0);
        var z0 = x0 * Vector512.Create(InvSqrt2);
        var z1 = x1 * Vector512.Create(InvSqrt2);
        var c0 = Vector512.Min(Vector512.Max(z0, -end), end);
        var c1 = Vector512.Min(Vector512.Max(z1, -end), end);
        var t0 = Vector512.FusedMultiplyAdd(c0 * c0, scale, minusOne);
        var t1 = Vector512.FusedMultiplyAdd(c1 * c1, scale, minusOne);
        var u0 = t0 + t0;
        var u1 = t1 + t1;
        Vector512<double> a1 = default, a2 = default, b1 = default, b2 = default;
        for (int k = c.Length - 1; k >= 1; k--)
        {
            var ck = Vector512.Create(c[k]);
            var a0 = Vector512.FusedMultiplyAdd(u0, a1, ck - a2);
            var b0 = Vector512.FusedMultiplyAdd(u1, b1, ck - b2);
            a2 = a1;
            a1 = a0;
            b2 = b1;
            b1 = b0;
        }
        var half = Vector512.Create(0.5 * c[0]);
        var e0 = c0 * Vector512.FusedMultiplyAdd(t0, a1, half - a2);
        var e1 = c1 * Vector512.FusedMultiplyAdd(t1, b1, half - b2);
        return (Phi(z0, e0), Phi(z1, e1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector512<double> Phi(Vector512<double> z, Vector512<double> erf)
    {
        var one = Vector512.Create(1.0);
        erf = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(Vector512.Abs(z), Vector512.Create(SpecialFunctions.ErfSingleEnd)),
            Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512<double>.Zero), -one, one), erf);
        return Vector512.Create(0.5) * (one + erf);
    }
}
