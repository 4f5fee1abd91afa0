using System.Numerics;

namespace AutoGrad.Kernels;

/// <summary>Copies between row-major layouts: broadcasting expansion and axis permutation.</summary>
internal static class Strided
{
    /// <summary>
    /// Writes into <paramref name="dst"/> (shape <paramref name="dstDims"/>) the elements of <paramref name="src"/> read with
    /// <paramref name="srcStrides"/> (one per output axis, 0 along broadcast axes).
    /// </summary>
    public static void Gather<T>(ReadOnlySpan<T> src, int[] srcStrides, int srcOffset, Span<T> dst, int[] dstDims) where T : unmanaged
    {
        int rank = dstDims.Length;
        if (dst.Length == 0) return;
        if (rank == 0) { dst[0] = src[srcOffset]; return; }
        int inner = dstDims[rank - 1];
        int innerStride = srcStrides[rank - 1];
        var idx = new int[rank];
        int outer = dst.Length / Math.Max(inner, 1);
        int srcBase = srcOffset;
        for (int o = 0; o < outer; o++)
        {
            var row = dst.Slice(o * inner, inner);
            if (innerStride == 1) src.Slice(srcBase, inner).CopyTo(row);
            else if (innerStride == 0) row.Fill(src[srcBase]);
            else for (int j = 0, s = srcBase; j < inner; j++, s += innerStride) row[j] = src[s];
            // advance the odometer over the outer axes
            for (int ax = rank - 2; ax >= 0; ax--)
            {
                idx[ax]++;
                srcBase += srcStrides[ax];
                if (idx[ax] < dstDims[ax]) break;
                srcBase -= idx[ax] * srcStrides[ax];
                idx[ax] = 0;
            }
        }
    }

    /// <summary>Strides for reading a contiguous <paramref name="srcDims"/> array as if broadcast to <paramref name="dstDims"/>.</summary>
    public static int[] BroadcastStrides(int[] srcDims, int[] dstDims)
    {
        var strides = new int[dstDims.Length];
        int off = dstDims.Length - srcDims.Length;
        int acc = 1;
        for (int i = srcDims.Length - 1; i >= 0; i--)
        {
            strides[i + off] = srcDims[i] == 1 && dstDims[i + off] != 1 ? 0 : acc;
            acc *= srcDims[i];
        }
        return strides;
    }

    /// <summary>Strides for reading a contiguous <paramref name="srcDims"/> array in the axis order <paramref name="perm"/>.</summary>
    public static int[] PermutedStrides(int[] srcDims, int[] perm)
    {
        var s = new int[srcDims.Length];
        int acc = 1;
        for (int i = srcDims.Length - 1; i >= 0; i--) { s[i] = acc; acc *= srcDims[i]; }
        var r = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) r[i] = s[perm[i]];
        return r;
    }

    /// <summary>Adds <paramref name="src"/> (shape <paramref name="srcDims"/>) into <paramref name="dst"/> at positions given by <paramref name="dstStrides"/> and offset.</summary>
    public static void ScatterAdd<T>(ReadOnlySpan<T> src, int[] srcDims, Span<T> dst, int[] dstStrides, int dstOffset) where T : unmanaged, INumber<T>
    {
        int rank = srcDims.Length;
        if (src.Length == 0) return;
        if (rank == 0) { dst[dstOffset] += src[0]; return; }
        var idx = new int[rank];
        for (int k = 0; k < src.Length; k++)
        {
            int d = dstOffset;
            for (int ax = 0; ax < rank; ax++) d += idx[ax] * dstStrides[ax];
            dst[d] += src[k];
            for (int ax = rank - 1; ax >= 0; ax--)
            {
                if (++idx[ax] < srcDims[ax]) break;
                idx[ax] = 0;
            }
        }
    }
}
