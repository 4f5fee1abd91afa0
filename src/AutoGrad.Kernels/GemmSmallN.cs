using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoGrad.Kernels;

/// <summary>
/// GEMM for narrow outputs (n ≤ <see cref="MaxN"/>, e.g. a 10-class output layer) on AVX-512. The packed
/// path's NR = 32 tile would waste most of its lanes and pack all of A; here op(B) is copied once into
/// zero-padded k×W panels (W = one Vector512, tiny and L1/L2-resident) and a 16-row × W micro-kernel
/// reads op(A) in place, broadcasting each element, so A is streamed exactly once per panel.
/// </summary>
/// <remarks>
/// Every C element is one FMA chain over p = 0..k-1 starting from zero, then a store or one add into C,
/// whatever the row block or thread that computes it: rows never interact, so splitting rows across
/// threads cannot change any bit.
/// </remarks>
internal static unsafe class GemmSmallN
{
    internal const int MR = 16;
    internal const int MaxN = 16;

    // Remainder slabs up to this size live on the stack, sparing small products a pool rental.
    private const int SlabStackBytes = 16 * 1024;

    internal static bool Supports(int n) => n <= MaxN && Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>Number of elements <see cref="PackB{T}"/> writes: one k×W panel per W columns.</summary>
    internal static int PackedLength<T>(int k, int n) where T : unmanaged
        => (n + Vector512<T>.Count - 1) / Vector512<T>.Count * k * Vector512<T>.Count;

    /// <summary>Copies op(B) (k×n) into panels where element (p, j) of panel q lives at p*W + (j - q*W).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackB<T>(T* b, int ldb, bool transB, int k, int n, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        for (int j0 = 0; j0 < n; j0 += w)
        {
            int cols = Math.Min(w, n - j0);
            T* panel = dst + (long)j0 * k;
            if (transB)
            {
                new Span<T>(panel, k * w).Clear();
                for (int j = 0; j < cols; j++)
                {
                    // Stored n×k: each column of op(B) is a contiguous stored row.
                    T* s = b + (long)(j0 + j) * ldb;
                    T* d = panel + j;
                    for (int p = 0; p < k; p++)
                    {
                        d[p * w] = s[p];
                    }
                }
            }
            else
            {
                Vector512<T> mask = ColumnMask<T>(cols);
                T* s = b + j0;
                for (int p = 0; p < k; p++, s += ldb)
                {
                    MaskLoad(s, mask).Store(panel + p * w);
                }
            }
        }
    }

    /// <summary>
    /// C rows [rowStart, rowStart + rowCount) = (accumulate ? C : 0) + op(A)·op(B), op(B) already packed by
    /// <see cref="PackB{T}"/>; op(A)[i,p] = transA ? a[p*lda+i] : a[i*lda+p].
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MultiplyRows<T>(T* a, int lda, bool transA, T* packedB, T* c, int ldc,
        int rowStart, int rowCount, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        nint rowStride = transA ? 1 : lda;   // distance between rows of op(A)
        nint pStride = transA ? lda : 1;     // distance between columns of op(A)
        int full = rowCount / MR * MR;
        // Rows outer: with two panels (float64, n > 8) the 16-row strip of A is still in L1 for the second.
        for (int i = rowStart; i < rowStart + full; i += MR)
        {
            for (int j0 = 0; j0 < n; j0 += w)
            {
                Vector512<T> mask = ColumnMask<T>(Math.Min(w, n - j0));
                Kernel(a + i * rowStride, rowStride, pStride, packedB + (long)j0 * k, k, c + (long)i * ldc + j0, ldc,
                    MR, mask, accumulate);
            }
        }

        int rest = rowCount - full;
        if (rest == 0)
        {
            return;
        }

        // The last partial block is copied as a zero-padded k×MR slab, so the same kernel computes its rows
        // from the same values in the same order as a full block would.
        int i0 = rowStart + full;
        if ((long)k * MR * Unsafe.SizeOf<T>() <= SlabStackBytes)
        {
            T* onStack = stackalloc T[k * MR];
            MultiplyLastRows(a + i0 * rowStride, rowStride, pStride, rest, packedB, c + (long)i0 * ldc, ldc, k, n, accumulate, onStack);
            return;
        }

        T[] rented = ArrayPool<T>.Shared.Rent(k * MR);
        try
        {
            fixed (T* slab = rented)
            {
                MultiplyLastRows(a + i0 * rowStride, rowStride, pStride, rest, packedB, c + (long)i0 * ldc, ldc, k, n, accumulate, slab);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyLastRows<T>(T* a, nint rowStride, nint pStride, int rows, T* packedB, T* c, int ldc,
        int k, int n, bool accumulate, T* slab)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < k; p++)
        {
            T* d = slab + p * MR;
            T* s = a + p * pStride;
            int r = 0;
            for (; r < rows; r++)
            {
                d[r] = s[r * rowStride];
            }

            for (; r < MR; r++)
            {
                d[r] = T.Zero;
            }
        }

        int w = Vector512<T>.Count;
        for (int j0 = 0; j0 < n; j0 += w)
        {
            Vector512<T> mask = ColumnMask<T>(Math.Min(w, n - j0));
            Kernel(slab, 1, MR, packedB + (long)j0 * k, k, c + j0, ldc, rows, mask, accumulate);
        }
    }

    // Sixteen rows are addressed as four base pointers plus offsets 0, rs, 2rs, 3rs, which the JIT turns into
    // [base + index*scale] operands; sixteen separate row pointers would not fit the general registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<T>(T* r0, nint rs, nint ps, T* pb, int k, T* c, int ldc, int rows,
        Vector512<T> mask, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        T* r4 = r0 + 4 * rs, r8 = r0 + 8 * rs, r12 = r0 + 12 * rs;
        nint rs2 = 2 * rs, rs3 = 3 * rs;
        Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<T> c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<T> c8 = default, c9 = default, c10 = default, c11 = default;
        Vector512<T> c12 = default, c13 = default, c14 = default, c15 = default;
        for (int p = 0; p < k; p++)
        {
            Vector512<T> b = Vector512.Load(pb);
            c0 = SimdMath.Fma(Vector512.Create(r0[0]), b, c0);
            c1 = SimdMath.Fma(Vector512.Create(r0[rs]), b, c1);
            c2 = SimdMath.Fma(Vector512.Create(r0[rs2]), b, c2);
            c3 = SimdMath.Fma(Vector512.Create(r0[rs3]), b, c3);
            c4 = SimdMath.Fma(Vector512.Create(r4[0]), b, c4);
            c5 = SimdMath.Fma(Vector512.Create(r4[rs]), b, c5);
            c6 = SimdMath.Fma(Vector512.Create(r4[rs2]), b, c6);
            c7 = SimdMath.Fma(Vector512.Create(r4[rs3]), b, c7);
            c8 = SimdMath.Fma(Vector512.Create(r8[0]), b, c8);
            c9 = SimdMath.Fma(Vector512.Create(r8[rs]), b, c9);
            c10 = SimdMath.Fma(Vector512.Create(r8[rs2]), b, c10);
            c11 = SimdMath.Fma(Vector512.Create(r8[rs3]), b, c11);
            c12 = SimdMath.Fma(Vector512.Create(r12[0]), b, c12);
            c13 = SimdMath.Fma(Vector512.Create(r12[rs]), b, c13);
            c14 = SimdMath.Fma(Vector512.Create(r12[rs2]), b, c14);
            c15 = SimdMath.Fma(Vector512.Create(r12[rs3]), b, c15);
            pb += w;
            r0 += ps;
            r4 += ps;
            r8 += ps;
            r12 += ps;
        }

        bool whole = mask == Vector512<T>.AllBitsSet;
        StoreRow(c, 0, rows, ldc, c0, mask, whole, accumulate);
        StoreRow(c, 1, rows, ldc, c1, mask, whole, accumulate);
        StoreRow(c, 2, rows, ldc, c2, mask, whole, accumulate);
        StoreRow(c, 3, rows, ldc, c3, mask, whole, accumulate);
        StoreRow(c, 4, rows, ldc, c4, mask, whole, accumulate);
        StoreRow(c, 5, rows, ldc, c5, mask, whole, accumulate);
        StoreRow(c, 6, rows, ldc, c6, mask, whole, accumulate);
        StoreRow(c, 7, rows, ldc, c7, mask, whole, accumulate);
        StoreRow(c, 8, rows, ldc, c8, mask, whole, accumulate);
        StoreRow(c, 9, rows, ldc, c9, mask, whole, accumulate);
        StoreRow(c, 10, rows, ldc, c10, mask, whole, accumulate);
        StoreRow(c, 11, rows, ldc, c11, mask, whole, accumulate);
        StoreRow(c, 12, rows, ldc, c12, mask, whole, accumulate);
        StoreRow(c, 13, rows, ldc, c13, mask, whole, accumulate);
        StoreRow(c, 14, rows, ldc, c14, mask, whole, accumulate);
        StoreRow(c, 15, rows, ldc, c15, mask, whole, accumulate);
    }

    // Masked loads and stores never touch lanes past the row, so C rows of width < W need no scratch copy.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T>(T* c, int r, int rows, int ldc, Vector512<T> sum, Vector512<T> mask,
        bool whole, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (r >= rows)
        {
            return;
        }

        T* dst = c + (long)r * ldc;
        if (whole)
        {
            (accumulate ? Vector512.Load(dst) + sum : sum).Store(dst);
        }
        else
        {
            MaskStore(dst, mask, accumulate ? MaskLoad(dst, mask) + sum : sum);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> ColumnMask<T>(int cols) where T : unmanaged, IFloatingPointIeee754<T>
        => Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(cols)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> MaskLoad<T>(T* p, Vector512<T> mask) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Avx512F.MaskLoad((float*)p, mask.As<T, float>(), Vector512<float>.Zero).As<float, T>();
        }

        return Avx512F.MaskLoad((double*)p, mask.As<T, double>(), Vector512<double>.Zero).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaskStore<T>(T* p, Vector512<T> mask, Vector512<T> value) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Avx512F.MaskStore((float*)p, mask.As<T, float>(), value.As<T, float>());
        }
        else
        {
            Avx512F.MaskStore((double*)p, mask.As<T, double>(), value.As<T, double>());
        }
    }
}
