using System.Numerics;

namespace AutoGrad.Kernels;

/// <summary>Running sums along one axis of a tensor viewed as (outer, n, inner).</summary>
internal static class CumsumKernels
{
    /// <summary>
    /// <c>y[o, i, r] = Σ_{j ≤ i} x[o, j, r]</c>, or <c>Σ_{j ≥ i}</c> when <paramref name="reverse"/>; sums run in order, one
    /// rounding per step, in float64 for either type (PyTorch accumulates float32 in float32; this only rounds less).
    /// </summary>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int n, int inner, bool reverse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var acc = new double[inner];
        for (int o = 0; o < outer; o++)
        {
            Array.Clear(acc);
            int baseOffset = o * n * inner;
            for (int step = 0; step < n; step++)
            {
                int i = reverse ? n - 1 - step : step;
                int off = baseOffset + i * inner;
                for (int r = 0; r < inner; r++)
                {
                    acc[r] += double.CreateTruncating(x[off + r]);
                    y[off + r] = T.CreateTruncating(acc[r]);
                }
            }
        }
    }
}
