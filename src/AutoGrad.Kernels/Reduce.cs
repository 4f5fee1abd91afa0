using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace AutoGrad.Kernels;

/// <summary>Reductions along one axis of a contiguous array viewed as <c>[outer, n, inner]</c>.</summary>
internal static class Reduce
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sum<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) y[o] = TensorPrimitives.Sum(x.Slice(o * n, n));
            return;
        }
        y.Clear();
        for (int o = 0; o < outer; o++)
        {
            var acc = y.Slice(o * inner, inner);
            for (int j = 0; j < n; j++) TensorPrimitives.Add(acc, x.Slice((o * n + j) * inner, inner), acc);
        }
    }

    /// <summary>Max (or min) along the axis and the first index attaining it; NaN wins, as in NumPy.</summary>
    public static void Extreme<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> arg, int outer, int n, int inner, bool max) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                T bv = x[o * n * inner + i];
                for (int j = 1; j < n && !T.IsNaN(bv); j++)
                {
                    T v = x[(o * n + j) * inner + i];
                    if (T.IsNaN(v) || (max ? v > bv : v < bv)) { bv = v; best = j; }
                }
                y[o * inner + i] = bv;
                arg[o * inner + i] = best;
            }
    }

    /// <summary>The <c>[outer, n, inner]</c> view of <paramref name="dims"/> around <paramref name="axis"/>.</summary>
    public static (int Outer, int N, int Inner) Split(int[] dims, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        for (int i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        return (outer, dims[axis], inner);
    }
}
