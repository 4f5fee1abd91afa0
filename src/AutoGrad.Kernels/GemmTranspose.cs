using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoGrad.Kernels;

/// <summary>
/// In-register square transposes used by packing when the source is read across rows. Scalar
/// gathers of the same data cost a large fraction of the micro-kernel time at 1024³.
/// The block methods require AVX; <see cref="Strip8"/> checks and reports how much it did.
/// </summary>
internal static unsafe class GemmTranspose
{
    /// <summary>
    /// Reads an 8×8 block (row stride <paramref name="srcStride"/>) and writes its transpose:
    /// column q of the source becomes 8 contiguous floats at dst + q*<paramref name="dstStride"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Block8x8(float* src, long srcStride, float* dst, int dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + srcStride);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * srcStride);
        Vector256<float> r3 = Avx.LoadVector256(src + 3 * srcStride);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * srcStride);
        Vector256<float> r5 = Avx.LoadVector256(src + 5 * srcStride);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * srcStride);
        Vector256<float> r7 = Avx.LoadVector256(src + 7 * srcStride);

        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5);
        Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7);
        Vector256<float> t7 = Avx.UnpackHigh(r6, r7);

        // Each u holds column q of rows 0-3 in its low lane and column q+4 in its high lane.
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> u7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>Double-precision counterpart of <see cref="Block8x8"/> on a 4×4 block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Block4x4(double* src, long srcStride, double* dst, int dstStride)
    {
        Vector256<double> r0 = Avx.LoadVector256(src);
        Vector256<double> r1 = Avx.LoadVector256(src + srcStride);
        Vector256<double> r2 = Avx.LoadVector256(src + 2 * srcStride);
        Vector256<double> r3 = Avx.LoadVector256(src + 3 * srcStride);

        Vector256<double> t0 = Avx.UnpackLow(r0, r1);
        Vector256<double> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<double> t2 = Avx.UnpackLow(r2, r3);
        Vector256<double> t3 = Avx.UnpackHigh(r2, r3);

        Avx.Store(dst, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(t1, t3, 0x31));
    }

    /// <summary>
    /// Transposes an 8-row × <paramref name="count"/>-column strip (row stride <paramref name="srcStride"/>)
    /// so that source column p becomes 8 contiguous values at dst + p*<paramref name="dstStride"/>.
    /// Returns how many leading columns were handled; the caller copies the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Strip8<T>(T* src, long srcStride, int count, T* dst, int dstStride) where T : unmanaged
    {
        int p = 0;
        if (!Avx.IsSupported)
        {
            return 0;
        }

        if (typeof(T) == typeof(float))
        {
            for (; p <= count - 8; p += 8)
            {
                Block8x8((float*)src + p, srcStride, (float*)dst + (long)p * dstStride, dstStride);
            }
        }
        else if (typeof(T) == typeof(double))
        {
            for (; p <= count - 4; p += 4)
            {
                double* s = (double*)src + p;
                double* d = (double*)dst + (long)p * dstStride;
                Block4x4(s, srcStride, d, dstStride);
                Block4x4(s + 4 * srcStride, srcStride, d + 4, dstStride);
            }
        }

        return p;
    }
}
