using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGrad.Kernels;

/// <summary>
/// Softmax and log-softmax over the rows of a <c>[rows, n]</c> array, one pass per row.
/// </summary>
internal static class SoftmaxKernels
{
    /// <summary><c>y = e^{x − max x} / Σ e^{x − max x}</c> per row.</summary>
    public static void Softmax<T>(ReadOnlySpan<T> x, Span<T> y, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < y.Length; o += n)
        {
            var row = x.Slice(o, n);
            var dst = y.Slice(o, n);
            TensorPrimitives.Subtract(row, RowMax(row), dst);
            TensorPrimitives.Exp(dst, dst);
            TensorPrimitives.Divide(dst, TensorPrimitives.Sum<T>(dst), dst);
        }
    }

    /// <summary><c>y = (x − m) − ln Σ e^{x − m}</c> per row, with <c>m = max x</c> (0 when the maximum is not finite).</summary>
    /// <remarks>
    /// Subtracting in that order keeps every result within an ulp of itself: <c>x − (m + ln s)</c> rounds <c>m + ln s</c> to the
    /// logits' magnitude first, so float32 logits of 1e6 gave −1.125 for <c>ln ⅓ = −1.0986</c>, and logits of 1e30 gave 0.
    /// </remarks>
    public static void LogSoftmax<T>(ReadOnlySpan<T> x, Span<T> y, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < y.Length; o += n)
        {
            var row = x.Slice(o, n);
            var dst = y.Slice(o, n);
            T m = RowMax(row);
            if (!T.IsFinite(m)) m = T.Zero;
            TensorPrimitives.Subtract(row, m, dst);
            T logS = T.Log(SumExp(dst));
            TensorPrimitives.Subtract(dst, logS, dst);
        }
    }

    // Σ e^{d} over a shifted row without a scratch buffer: the exponentials are summed a chunk at a time on the stack.
    private static T SumExp<T>(ReadOnlySpan<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> e = stackalloc T[Math.Min(d.Length, 256)];
        T s = T.Zero;
        for (int j = 0; j < d.Length; j += e.Length)
        {
            var part = e[..Math.Min(e.Length, d.Length - j)];
            TensorPrimitives.Exp(d.Slice(j, part.Length), part);
            s += TensorPrimitives.Sum<T>(part);
        }
        return s;
    }

    // The first maximum, NaN winning: what Reduce.Extreme returns for the row.
    private static T RowMax<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T best = row[0];
        for (int j = 1; j < row.Length && !T.IsNaN(best); j++)
            if (T.IsNaN(row[j]) || row[j] > best) best = row[j];
        return best;
    }
}
