using System.Numerics;

namespace AutoGrad.Kernels;

/// <summary>Element-type conversions and clean-ups: float32 ↔ float64, integer positions as floats, non-finite values to 0.</summary>
internal static class ConvertKernels
{
    /// <summary><c>y[i] = x[i]</c> widened to float64 (exact).</summary>
    public static void Widen(ReadOnlySpan<float> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i];
    }

    /// <summary><c>y[i] = (float)x[i]</c>, rounded to the nearest float32 (overflow gives ±∞, NaN stays NaN).</summary>
    public static void Narrow(ReadOnlySpan<double> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = (float)x[i];
    }

    /// <summary><c>y[i] = indices[i]</c> as a float.</summary>
    public static void FromIndices<T>(ReadOnlySpan<int> indices, Span<T> y) where T : unmanaged, INumberBase<T>
    {
        for (int i = 0; i < indices.Length; i++) y[i] = T.CreateTruncating(indices[i]);
    }

    /// <summary>Sets every NaN and ±∞ of <paramref name="x"/> to 0, in place.</summary>
    public static void ZeroNonFinite<T>(Span<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) if (!T.IsFinite(x[i])) x[i] = T.Zero;
    }
}
