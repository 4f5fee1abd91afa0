using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace AutoGrad.Kernels;

/// <summary>
/// Softmax cross-entropy over the rows of a <c>[rows, n]</c> logits array: the loss <c>Lᵢ = −Σⱼ yᵢⱼ log softmax(zᵢ)ⱼ</c> with its
/// row's shift <c>m</c> (the maximum) and <c>ln Σⱼ e^{zⱼ − m}</c>, and the gradient <c>(softmax(z)·Σⱼ yⱼ − y)·gᵢ</c> from those two. The target is either a one-hot given by
/// one class per row (<c>classes</c>) or a dense <c>[rows, n]</c> array (<c>y</c>); the other span is empty.
/// </summary>
internal static class CrossEntropyKernels
{
    /// <summary>
    /// Per row r, with <c>m</c> the maximum (0 when not finite) and <c>s = Σⱼ e^{zⱼ − m}</c>: <paramref name="stats"/>[2r] = <c>m</c> and
    /// [2r + 1] = <c>ln s</c> (the log-sum-exp in two parts, which <see cref="Backward"/> reads) and <c>L = ln s · Σⱼ yⱼ − Σⱼ yⱼ (zⱼ − m)</c> (for a class
    /// <c>c</c>: <c>ln s − (z_c − m)</c>), which is <c>−Σ y (z − lse)</c> without the cancellation of subtracting <c>lse = m + ln s</c>
    /// from large logits. Writes <paramref name="loss"/> unless it is empty; returns <c>Σᵢ Lᵢ</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Forward<T>(ReadOnlySpan<T> z, ReadOnlySpan<int> classes, ReadOnlySpan<T> y, Span<T> stats, Span<T> loss, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] rented = ArrayPool<T>.Shared.Rent(z.Length);
        var e = rented.AsSpan(0, z.Length);
        int rows = stats.Length / 2;
        for (int r = 0, o = 0; r < rows; r++, o += n)
        {
            T m = Shift(z.Slice(o, n));
            stats[2 * r] = m;
            TensorPrimitives.Subtract(z.Slice(o, n), m, e.Slice(o, n));
        }
        // One call over every row: rows of 10 classes are too short for the vector loop to pay off row by row.
        TensorPrimitives.Exp(e, e);
        double total = 0;
        for (int r = 0, o = 0; r < rows; r++, o += n)
        {
            T m = stats[2 * r];
            T ls = T.Log(TensorPrimitives.Sum<T>(e.Slice(o, n)));
            stats[2 * r + 1] = ls;
            T l;
            if (y.IsEmpty) l = ls - (z[o + classes[r]] - m);
            else
            {
                T ySum = T.Zero, yz = T.Zero;
                for (int j = o; j < o + n; j++)
                {
                    ySum += y[j];
                    // A zero weight contributes nothing even where z − m = −∞ (0·∞ would be NaN), as with a class index.
                    if (y[j] != T.Zero) yz += y[j] * (z[j] - m);
                }
                l = ls * ySum - yz;
            }
            if (!loss.IsEmpty) loss[r] = l;
            total += double.CreateTruncating(l);
        }
        ArrayPool<T>.Shared.Return(rented);
        return total;
    }

    /// <summary>
    /// <c>dz = (e^{(z − m) − ln s}·Σⱼ yⱼ − y)·gᵢ</c> per row (<c>softmax(z) − y</c> for a class or a distribution), with <c>m</c> and
    /// <c>ln s</c> the row's <paramref name="stats"/> from <see cref="Forward"/>, and <c>gᵢ = scale·g[i]</c>, or
    /// <c>scale·g[0]</c> for every row when <paramref name="g"/> has one element.
    /// </summary>
    /// <remarks>
    /// The shift and <c>ln s</c> are subtracted one after the other: <c>e^{z − lse}</c> with <c>lse = m + ln s</c> rounded to the logits'
    /// magnitude gave float32 logits [1e6, 1e6, 1e6] the gradient [−0.675, 0.325, 0.325] and logits of 1e30 [0, 1, 1].
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> stats, ReadOnlySpan<int> classes, ReadOnlySpan<T> y, ReadOnlySpan<T> g, T scale, Span<T> dz, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = stats.Length / 2;
        for (int r = 0, o = 0; r < rows; r++, o += n)
        {
            T m = stats[2 * r], ls = stats[2 * r + 1];
            if (n < 16)   // a short row (a classifier's 10 classes): one scalar pass instead of two vector calls, the same operations
                for (int j = o; j < o + n; j++) dz[j] = z[j] - m - ls;
            else
            {
                TensorPrimitives.Subtract(z.Slice(o, n), m, dz.Slice(o, n));
                TensorPrimitives.Subtract(dz.Slice(o, n), ls, dz.Slice(o, n));
            }
        }
        TensorPrimitives.Exp(dz, dz);
        if (y.IsEmpty)
            for (int r = 0, o = 0; r < rows; r++, o += n) dz[o + classes[r]] -= T.One;
        else
            for (int r = 0, o = 0; r < rows; r++, o += n)
            {
                // L is linear in y, so a row of weights that does not sum to 1 scales the softmax term.
                T ySum = TensorPrimitives.Sum(y.Slice(o, n));
                if (ySum != T.One) TensorPrimitives.Multiply(dz.Slice(o, n), ySum, dz.Slice(o, n));
                TensorPrimitives.Subtract(dz.Slice(o, n), y.Slice(o, n), dz.Slice(o, n));
            }
        if (g.Length == 1)
        {
            T s = g[0] * scale;
            if (s != T.One) TensorPrimitives.Multiply(dz, s, dz);
            return;
        }
        for (int r = 0, o = 0; r < rows; r++, o += n) TensorPrimitives.Multiply(dz.Slice(o, n), g[r] * scale, dz.Slice(o, n));
    }

    // The row maximum as SoftmaxKernels.LogSoftmax shifts by it (0 when it is not finite); NaN wins, as in Reduce.Extreme.
    private static T Shift<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T best = row[0];
        for (int j = 1; j < row.Length && !T.IsNaN(best); j++)
            if (T.IsNaN(row[j]) || row[j] > best) best = row[j];
        return T.IsFinite(best) ? best : T.Zero;
    }
}
