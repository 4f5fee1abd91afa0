using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>
/// Register-blocked MR×NR micro-kernels over packed panels (MR = 8, NR = two Vector512 widths).
/// Every C element receives the same sequence: an FMA chain over p = 0..kc-1 starting from zero,
/// then one add into C (or a plain store for the first K block). Edge tiles compute the full padded
/// tile and write back only the valid part, so their valid elements round exactly like interior ones.
/// </summary>
internal static unsafe class GemmMicroKernel
{
    private const int MR = GemmBlocked.MR;

    /// <summary>AVX-512 kernel: 16 zmm accumulators, two B loads and eight broadcasts per K step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel512<T>(int kc, T* pa, T* pb, T* c, int ldc, int mValid, int nValid, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        int nr = 2 * w;
        Vector512<T> c00 = Vector512<T>.Zero, c01 = Vector512<T>.Zero;
        Vector512<T> c10 = Vector512<T>.Zero, c11 = Vector512<T>.Zero;
        Vector512<T> c20 = Vector512<T>.Zero, c21 = Vector512<T>.Zero;
        Vector512<T> c30 = Vector512<T>.Zero, c31 = Vector512<T>.Zero;
        Vector512<T> c40 = Vector512<T>.Zero, c41 = Vector512<T>.Zero;
        Vector512<T> c50 = Vector512<T>.Zero, c51 = Vector512<T>.Zero;
        Vector512<T> c60 = Vector512<T>.Zero, c61 = Vector512<T>.Zero;
        Vector512<T> c70 = Vector512<T>.Zero, c71 = Vector512<T>.Zero;
        for (int p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(pb);
            Vector512<T> b1 = Vector512.Load(pb + w);
            Vector512<T> a;
            a = Vector512.Create(pa[0]);
            c00 = SimdMath.Fma(a, b0, c00);
            c01 = SimdMath.Fma(a, b1, c01);
            a = Vector512.Create(pa[1]);
            c10 = SimdMath.Fma(a, b0, c10);
            c11 = SimdMath.Fma(a, b1, c11);
            a = Vector512.Create(pa[2]);
            c20 = SimdMath.Fma(a, b0, c20);
            c21 = SimdMath.Fma(a, b1, c21);
            a = Vector512.Create(pa[3]);
            c30 = SimdMath.Fma(a, b0, c30);
            c31 = SimdMath.Fma(a, b1, c31);
            a = Vector512.Create(pa[4]);
            c40 = SimdMath.Fma(a, b0, c40);
            c41 = SimdMath.Fma(a, b1, c41);
            a = Vector512.Create(pa[5]);
            c50 = SimdMath.Fma(a, b0, c50);
            c51 = SimdMath.Fma(a, b1, c51);
            a = Vector512.Create(pa[6]);
            c60 = SimdMath.Fma(a, b0, c60);
            c61 = SimdMath.Fma(a, b1, c61);
            a = Vector512.Create(pa[7]);
            c70 = SimdMath.Fma(a, b0, c70);
            c71 = SimdMath.Fma(a, b1, c71);
            pa += MR;
            pb += nr;
        }

        if (mValid == MR && nValid == nr)
        {
            StoreRow(c + 0 * (long)ldc, c00, c01, overwrite);
            StoreRow(c + 1 * (long)ldc, c10, c11, overwrite);
            StoreRow(c + 2 * (long)ldc, c20, c21, overwrite);
            StoreRow(c + 3 * (long)ldc, c30, c31, overwrite);
            StoreRow(c + 4 * (long)ldc, c40, c41, overwrite);
            StoreRow(c + 5 * (long)ldc, c50, c51, overwrite);
            StoreRow(c + 6 * (long)ldc, c60, c61, overwrite);
            StoreRow(c + 7 * (long)ldc, c70, c71, overwrite);
            return;
        }

        T* t = stackalloc T[MR * 2 * Vector512<T>.Count];
        c00.Store(t + 0 * nr);
        c01.Store(t + 0 * nr + w);
        c10.Store(t + 1 * nr);
        c11.Store(t + 1 * nr + w);
        c20.Store(t + 2 * nr);
        c21.Store(t + 2 * nr + w);
        c30.Store(t + 3 * nr);
        c31.Store(t + 3 * nr + w);
        c40.Store(t + 4 * nr);
        c41.Store(t + 4 * nr + w);
        c50.Store(t + 5 * nr);
        c51.Store(t + 5 * nr + w);
        c60.Store(t + 6 * nr);
        c61.Store(t + 6 * nr + w);
        c70.Store(t + 7 * nr);
        c71.Store(t + 7 * nr + w);
        WriteBack(t, nr, c, ldc, mValid, nValid, overwrite);
    }

    /// <summary>
    /// AVX2 fallback over the same packed layout: the 8×NR tile is done as four 2-row strips of
    /// four ymm columns each, which fits the 16 ymm registers without spilling.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    internal static void Kernel256<T>(int kc, T* pa, T* pb, T* c, int ldc, int mValid, int nValid, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        int nr = 4 * w;
        T* t = stackalloc T[MR * 4 * Vector256<T>.Count];
        for (int r = 0; r < MR; r += 2)
        {
            Vector256<T> c00 = Vector256<T>.Zero, c01 = Vector256<T>.Zero, c02 = Vector256<T>.Zero, c03 = Vector256<T>.Zero;
            Vector256<T> c10 = Vector256<T>.Zero, c11 = Vector256<T>.Zero, c12 = Vector256<T>.Zero, c13 = Vector256<T>.Zero;
            T* a = pa + r;
            T* b = pb;
            for (int p = 0; p < kc; p++)
            {
                Vector256<T> b0 = Vector256.Load(b);
                Vector256<T> b1 = Vector256.Load(b + w);
                Vector256<T> b2 = Vector256.Load(b + 2 * w);
                Vector256<T> b3 = Vector256.Load(b + 3 * w);
                Vector256<T> a0 = Vector256.Create(a[0]);
                c00 = SimdMath.Fma(a0, b0, c00);
                c01 = SimdMath.Fma(a0, b1, c01);
                c02 = SimdMath.Fma(a0, b2, c02);
                c03 = SimdMath.Fma(a0, b3, c03);
                Vector256<T> a1 = Vector256.Create(a[1]);
                c10 = SimdMath.Fma(a1, b0, c10);
                c11 = SimdMath.Fma(a1, b1, c11);
                c12 = SimdMath.Fma(a1, b2, c12);
                c13 = SimdMath.Fma(a1, b3, c13);
                a += MR;
                b += nr;
            }

            T* row0 = t + r * nr;
            T* row1 = row0 + nr;
            c00.Store(row0);
            c01.Store(row0 + w);
            c02.Store(row0 + 2 * w);
            c03.Store(row0 + 3 * w);
            c10.Store(row1);
            c11.Store(row1 + w);
            c12.Store(row1 + 2 * w);
            c13.Store(row1 + 3 * w);
        }

        WriteBack(t, nr, c, ldc, mValid, nValid, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T>(T* dst, Vector512<T> lo, Vector512<T> hi, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        if (overwrite)
        {
            lo.Store(dst);
            hi.Store(dst + w);
        }
        else
        {
            (Vector512.Load(dst) + lo).Store(dst);
            (Vector512.Load(dst + w) + hi).Store(dst + w);
        }
    }

    // Scalar adds round identically to the vector adds used for full tiles.
    private static void WriteBack<T>(T* tile, int nr, T* c, int ldc, int mValid, int nValid, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < mValid; r++)
        {
            T* src = tile + r * nr;
            T* dst = c + (long)r * ldc;
            if (overwrite)
            {
                for (int j = 0; j < nValid; j++)
                {
                    dst[j] = src[j];
                }
            }
            else
            {
                for (int j = 0; j < nValid; j++)
                {
                    dst[j] += src[j];
                }
            }
        }
    }
}
