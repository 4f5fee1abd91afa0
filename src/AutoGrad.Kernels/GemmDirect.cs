using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace AutoGrad.Kernels;

/// <summary>
/// Unpacked GEMM for small products, where renting and packing would cost more than the arithmetic.
/// Both variants keep a small tile of C in registers so that independent FMA chains hide latency;
/// a naive row-axpy loop round-trips C through memory on every K step and runs several times slower.
/// </summary>
/// <remarks>
/// Edge tiles clamp out-of-range rows to the last valid one and simply do not store them, so every
/// element goes through the same code whatever its position.
/// </remarks>
internal static unsafe class GemmDirect
{
    private const int RowBlock = 4;
    private const int DotRows = 2;
    private const int DotCols = 4;

    internal static void Multiply<T>(T* a, T* b, T* c, int m, int k, int n, bool transA, bool transB, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!transB)
        {
            MultiplyRows(a, b, c, m, k, n, transA, accumulate);
            return;
        }

        if (!transA)
        {
            MultiplyDots(a, b, c, m, k, n, accumulate);
            return;
        }

        // Aᵀ·Bᵀ: the dot form needs contiguous rows of op(A), so transpose A once (it is small here).
        T[] rented = ArrayPool<T>.Shared.Rent(m * k);
        try
        {
            fixed (T* at = rented)
            {
                for (int p = 0; p < k; p++)
                {
                    for (int i = 0; i < m; i++)
                    {
                        at[(long)i * k + p] = a[(long)p * m + i];
                    }
                }

                MultiplyDots(at, b, c, m, k, n, accumulate);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    // op(B) rows are contiguous: each C row block is a sum over p of broadcast(op(A)[i,p]) · op(B)[p, j..].
    private static void MultiplyRows<T>(T* a, T* b, T* c, int m, int k, int n, bool transA, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector<T>.Count;
        long aStep = transA ? 1 : k;   // distance between rows of op(A)
        long pStep = transA ? m : 1;   // distance between columns of op(A)
        for (int i0 = 0; i0 < m; i0 += RowBlock)
        {
            int rows = Math.Min(RowBlock, m - i0);
            T* a0 = a + i0 * aStep;
            T* a1 = a + Math.Min(i0 + 1, m - 1) * aStep;
            T* a2 = a + Math.Min(i0 + 2, m - 1) * aStep;
            T* a3 = a + Math.Min(i0 + 3, m - 1) * aStep;
            T* c0 = c + (long)i0 * n;
            int j = 0;
            for (; j + 2 * w <= n; j += 2 * w)
            {
                Vector<T> s00 = Init<T>(c0, n, 0, j, rows, accumulate), s01 = Init<T>(c0, n, 0, j + w, rows, accumulate);
                Vector<T> s10 = Init<T>(c0, n, 1, j, rows, accumulate), s11 = Init<T>(c0, n, 1, j + w, rows, accumulate);
                Vector<T> s20 = Init<T>(c0, n, 2, j, rows, accumulate), s21 = Init<T>(c0, n, 2, j + w, rows, accumulate);
                Vector<T> s30 = Init<T>(c0, n, 3, j, rows, accumulate), s31 = Init<T>(c0, n, 3, j + w, rows, accumulate);
                T* bp = b + j;
                for (long p = 0, ap = 0; p < k; p++, ap += pStep, bp += n)
                {
                    Vector<T> b0 = Vector.Load(bp);
                    Vector<T> b1 = Vector.Load(bp + w);
                    Vector<T> x = new(a0[ap]);
                    s00 = SimdMath.Fma(x, b0, s00);
                    s01 = SimdMath.Fma(x, b1, s01);
                    x = new(a1[ap]);
                    s10 = SimdMath.Fma(x, b0, s10);
                    s11 = SimdMath.Fma(x, b1, s11);
                    x = new(a2[ap]);
                    s20 = SimdMath.Fma(x, b0, s20);
                    s21 = SimdMath.Fma(x, b1, s21);
                    x = new(a3[ap]);
                    s30 = SimdMath.Fma(x, b0, s30);
                    s31 = SimdMath.Fma(x, b1, s31);
                }

                Store(c0, n, 0, j, rows, s00);
                Store(c0, n, 0, j + w, rows, s01);
                Store(c0, n, 1, j, rows, s10);
                Store(c0, n, 1, j + w, rows, s11);
                Store(c0, n, 2, j, rows, s20);
                Store(c0, n, 2, j + w, rows, s21);
                Store(c0, n, 3, j, rows, s30);
                Store(c0, n, 3, j + w, rows, s31);
            }

            for (; j + w <= n; j += w)
            {
                Vector<T> s0 = Init<T>(c0, n, 0, j, rows, accumulate);
                Vector<T> s1 = Init<T>(c0, n, 1, j, rows, accumulate);
                Vector<T> s2 = Init<T>(c0, n, 2, j, rows, accumulate);
                Vector<T> s3 = Init<T>(c0, n, 3, j, rows, accumulate);
                T* bp = b + j;
                for (long p = 0, ap = 0; p < k; p++, ap += pStep, bp += n)
                {
                    Vector<T> b0 = Vector.Load(bp);
                    s0 = SimdMath.Fma(new Vector<T>(a0[ap]), b0, s0);
                    s1 = SimdMath.Fma(new Vector<T>(a1[ap]), b0, s1);
                    s2 = SimdMath.Fma(new Vector<T>(a2[ap]), b0, s2);
                    s3 = SimdMath.Fma(new Vector<T>(a3[ap]), b0, s3);
                }

                Store(c0, n, 0, j, rows, s0);
                Store(c0, n, 1, j, rows, s1);
                Store(c0, n, 2, j, rows, s2);
                Store(c0, n, 3, j, rows, s3);
            }

            for (; j < n; j++)
            {
                // Leftover columns: four independent scalar chains, one per row.
                T t0 = accumulate ? c0[j] : T.Zero;
                T t1 = accumulate && rows > 1 ? c0[n + j] : T.Zero;
                T t2 = accumulate && rows > 2 ? c0[2L * n + j] : T.Zero;
                T t3 = accumulate && rows > 3 ? c0[3L * n + j] : T.Zero;
                T* bp = b + j;
                for (long p = 0, ap = 0; p < k; p++, ap += pStep, bp += n)
                {
                    T bv = *bp;
                    t0 = T.FusedMultiplyAdd(a0[ap], bv, t0);
                    t1 = T.FusedMultiplyAdd(a1[ap], bv, t1);
                    t2 = T.FusedMultiplyAdd(a2[ap], bv, t2);
                    t3 = T.FusedMultiplyAdd(a3[ap], bv, t3);
                }

                c0[j] = t0;
                if (rows > 1) c0[n + j] = t1;
                if (rows > 2) c0[2L * n + j] = t2;
                if (rows > 3) c0[3L * n + j] = t3;
            }
        }
    }

    // B stored n×k and A row-major: C[i,j] is the dot of two contiguous rows; a 2×4 block of dots shares loads.
    private static void MultiplyDots<T>(T* a, T* b, T* c, int m, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector<T>.Count;
        for (int i0 = 0; i0 < m; i0 += DotRows)
        {
            T* x0 = a + (long)i0 * k;
            T* x1 = a + (long)Math.Min(i0 + 1, m - 1) * k;
            for (int j0 = 0; j0 < n; j0 += DotCols)
            {
                T* y0 = b + (long)j0 * k;
                T* y1 = b + (long)Math.Min(j0 + 1, n - 1) * k;
                T* y2 = b + (long)Math.Min(j0 + 2, n - 1) * k;
                T* y3 = b + (long)Math.Min(j0 + 3, n - 1) * k;
                Vector<T> s00 = default, s01 = default, s02 = default, s03 = default;
                Vector<T> s10 = default, s11 = default, s12 = default, s13 = default;
                int p = 0;
                for (; p + w <= k; p += w)
                {
                    Vector<T> u0 = Vector.Load(x0 + p), u1 = Vector.Load(x1 + p);
                    Vector<T> v = Vector.Load(y0 + p);
                    s00 = SimdMath.Fma(u0, v, s00);
                    s10 = SimdMath.Fma(u1, v, s10);
                    v = Vector.Load(y1 + p);
                    s01 = SimdMath.Fma(u0, v, s01);
                    s11 = SimdMath.Fma(u1, v, s11);
                    v = Vector.Load(y2 + p);
                    s02 = SimdMath.Fma(u0, v, s02);
                    s12 = SimdMath.Fma(u1, v, s12);
                    v = Vector.Load(y3 + p);
                    s03 = SimdMath.Fma(u0, v, s03);
                    s13 = SimdMath.Fma(u1, v, s13);
                }

                int rows = Math.Min(DotRows, m - i0), cols = Math.Min(DotCols, n - j0);
                FinishDot(x0, y0, y1, y2, y3, p, k, s00, s01, s02, s03, c + (long)i0 * n + j0, cols, accumulate);
                if (rows > 1)
                {
                    FinishDot(x1, y0, y1, y2, y3, p, k, s10, s11, s12, s13, c + (long)(i0 + 1) * n + j0, cols, accumulate);
                }
            }
        }
    }

    // Reduces one row's four vector partial sums, adds the scalar tail over p, and stores the valid columns.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishDot<T>(T* x, T* y0, T* y1, T* y2, T* y3, int p, int k,
        Vector<T> s0, Vector<T> s1, Vector<T> s2, Vector<T> s3, T* dst, int cols, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T d0 = Vector.Sum(s0), d1 = Vector.Sum(s1), d2 = Vector.Sum(s2), d3 = Vector.Sum(s3);
        for (; p < k; p++)
        {
            T xv = x[p];
            d0 = T.FusedMultiplyAdd(xv, y0[p], d0);
            d1 = T.FusedMultiplyAdd(xv, y1[p], d1);
            d2 = T.FusedMultiplyAdd(xv, y2[p], d2);
            d3 = T.FusedMultiplyAdd(xv, y3[p], d3);
        }

        dst[0] = accumulate ? dst[0] + d0 : d0;
        if (cols > 1) dst[1] = accumulate ? dst[1] + d1 : d1;
        if (cols > 2) dst[2] = accumulate ? dst[2] + d2 : d2;
        if (cols > 3) dst[3] = accumulate ? dst[3] + d3 : d3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Init<T>(T* c0, int n, int r, int j, int rows, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        => accumulate && r < rows ? Vector.Load(c0 + (long)r * n + j) : Vector<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(T* c0, int n, int r, int j, int rows, Vector<T> value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (r < rows)
        {
            value.Store(c0 + (long)r * n + j);
        }
    }
}
