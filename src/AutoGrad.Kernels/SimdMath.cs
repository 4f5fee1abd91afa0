using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>
/// Generic fused multiply-add over SIMD vectors. The BCL only exposes float/double overloads; the
/// <c>typeof</c> checks are JIT-time constants, so each instantiation compiles to a single FMA instruction.
/// </summary>
internal static class SimdMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), addend.As<T, float>()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), addend.As<T, double>()).As<double, T>();
        }

        throw new NotSupportedException($"Fma is not supported for {typeof(T)}.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), addend.As<T, float>()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), addend.As<T, double>()).As<double, T>();
        }

        throw new NotSupportedException($"Fma is not supported for {typeof(T)}.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<T> Fma<T>(Vector<T> a, Vector<T> b, Vector<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), addend.As<T, float>()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), addend.As<T, double>()).As<double, T>();
        }

        throw new NotSupportedException($"Fma is not supported for {typeof(T)}.");
    }
}

/// <summary>
/// <c>tanh</c> over spans, accurate to a few ulps everywhere, including the small arguments where
/// <c>TensorPrimitives.Tanh</c> loses everything (10.0.15 returns −5.96e-8 for 0 and 0.00999963 for 0.01 in float32, −0 for
/// 1e-20 in float64: it computes a form like <c>1 − 2/(e^{2x} + 1)</c> throughout, which cancels near 0).
/// </summary>
/// <remarks>
/// <c>TensorPrimitives.Tanh</c> first (within 1–2 ulps from <c>|x| = 0.625</c> up, saturating to ±1), then a second
/// vector pass that replaces the lanes with <c>|x| &lt; 0.625</c> by the odd minimax form <c>x + x³·R(x²)</c> (the coefficients of
/// the Cephes library's <c>tanhf</c> and <c>tanh</c>, S. L. Moshier), in which the second term is a small correction. Every
/// lane goes through the same vector code (the tail on a padded copy), so a value's result does not depend on its position
/// in the span. NaN stays NaN, ±0 keeps its sign.
/// </remarks>
internal static class TanhMath
{
    private const float SmallF = 0.625f;
    private const double SmallD = 0.625;

    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Tanh(x, y);
        if (typeof(T) == typeof(float)) FixSmall(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        else if (typeof(T) == typeof(double)) FixSmall(MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y));
        else throw new NotSupportedException($"Tanh is not supported for {typeof(T)}.");
    }

    private static void FixSmall(ReadOnlySpan<float> x, Span<float> y)
    {
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        nuint i = 0, n = (nuint)x.Length;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
                Lanes(Vector512.LoadUnsafe(ref xs, i), Vector512.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ys, i);
        for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
            Lanes(Vector256.LoadUnsafe(ref xs, i), Vector256.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ys, i);
        if (i == n) return;
        Span<float> px = stackalloc float[8], py = stackalloc float[8];
        x[(int)i..].CopyTo(px);
        y[(int)i..].CopyTo(py);
        Lanes(Vector256.Create((ReadOnlySpan<float>)px), Vector256.Create((ReadOnlySpan<float>)py)).CopyTo(py);
        py[..(x.Length - (int)i)].CopyTo(y[(int)i..]);
    }

    private static void FixSmall(ReadOnlySpan<double> x, Span<double> y)
    {
        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double ys = ref MemoryMarshal.GetReference(y);
        nuint i = 0, n = (nuint)x.Length;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<double>.Count <= n; i += (nuint)Vector512<double>.Count)
                Lanes(Vector512.LoadUnsafe(ref xs, i), Vector512.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ys, i);
        for (; i + (nuint)Vector256<double>.Count <= n; i += (nuint)Vector256<double>.Count)
            Lanes(Vector256.LoadUnsafe(ref xs, i), Vector256.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ys, i);
        if (i == n) return;
        Span<double> px = stackalloc double[4], py = stackalloc double[4];
        x[(int)i..].CopyTo(px);
        y[(int)i..].CopyTo(py);
        Lanes(Vector256.Create((ReadOnlySpan<double>)px), Vector256.Create((ReadOnlySpan<double>)py)).CopyTo(py);
        py[..(x.Length - (int)i)].CopyTo(y[(int)i..]);
    }

    // Cephes tanhf: |x| + |x|·z·P(z), z = x², with x's sign copied on (so −0 stays −0).
    private static Vector512<float> Lanes(Vector512<float> x, Vector512<float> y)
    {
        var a = Vector512.Abs(x);
        var z = a * a;
        var p = Vector512.Create(-5.70498872745e-3f);
        p = p * z + Vector512.Create(2.06390887954e-2f);
        p = p * z + Vector512.Create(-5.37397155531e-2f);
        p = p * z + Vector512.Create(1.33314422036e-1f);
        p = p * z + Vector512.Create(-3.33332819422e-1f);
        var small = Vector512.CopySign(p * z * a + a, x);
        return Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(SmallF)), small, y);
    }

    private static Vector256<float> Lanes(Vector256<float> x, Vector256<float> y)
    {
        var a = Vector256.Abs(x);
        var z = a * a;
        var p = Vector256.Create(-5.70498872745e-3f);
        p = p * z + Vector256.Create(2.06390887954e-2f);
        p = p * z + Vector256.Create(-5.37397155531e-2f);
        p = p * z + Vector256.Create(1.33314422036e-1f);
        p = p * z + Vector256.Create(-3.33332819422e-1f);
        var small = Vector256.CopySign(p * z * a + a, x);
        return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(SmallF)), small, y);
    }

    // Cephes tanh: |x| + |x|·z·P(z)/Q(z), z = x².
    private static Vector512<double> Lanes(Vector512<double> x, Vector512<double> y)
    {
        var a = Vector512.Abs(x);
        var z = a * a;
        var p = (Vector512.Create(-9.64399179425052238628e-1) * z + Vector512.Create(-9.92877231001918586564e1)) * z
            + Vector512.Create(-1.61468768441708447952e3);
        var q = ((z + Vector512.Create(1.12811678491632931402e2)) * z + Vector512.Create(2.23548839060100448583e3)) * z
            + Vector512.Create(4.84406305325125486048e3);
        var small = Vector512.CopySign(p / q * z * a + a, x);
        return Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(SmallD)), small, y);
    }

    private static Vector256<double> Lanes(Vector256<double> x, Vector256<double> y)
    {
        var a = Vector256.Abs(x);
        var z = a * a;
        var p = (Vector256.Create(-9.64399179425052238628e-1) * z + Vector256.Create(-9.92877231001918586564e1)) * z
            + Vector256.Create(-1.61468768441708447952e3);
        var q = ((z + Vector256.Create(1.12811678491632931402e2)) * z + Vector256.Create(2.23548839060100448583e3)) * z
            + Vector256.Create(4.84406305325125486048e3);
        var small = Vector256.CopySign(p / q * z * a + a, x);
        return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(SmallD)), small, y);
    }
}
