using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGrad.Kernels;

/// <summary>
/// Softmax and log-softmax over the rows of a <c>[rows, n]</c> array, one pass per row. Each row goes through the same
/// TensorPrimitives calls, in the same order, as the composed expressions they replace, so results are bit-identical.
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

    /// <summary><c>y = x − (m + ln Σ e^{x − m})</c> per row, with <c>m = max x</c> (0 when the maximum is not finite).</summary>
    public static void LogSoftmax<T>(ReadOnlySpan<T> x, Span<T> y, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < y.Length; o += n)
        {
            var row = x.Slice(o, n);
            var dst = y.Slice(o, n);
            T m = RowMax(row);
            if (!T.IsFinite(m)) m = T.Zero;
            TensorPrimitives.Subtract(row, m, dst);
            TensorPrimitives.Exp(dst, dst);
            T lse = T.Log(TensorPrimitives.Sum<T>(dst)) + m;
            TensorPrimitives.Subtract(row, lse, dst);
        }
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
