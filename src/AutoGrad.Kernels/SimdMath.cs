using System.Numerics;
using System.Runtime.CompilerServices;
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
