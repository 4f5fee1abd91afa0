using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        if (dst.Length == 0) return;
        Span<int> d = stackalloc int[dstDims.Length], s = stackalloc int[dstDims.Length];
        int r = Collapse(dstDims, srcStrides, d, s);
        if (r == 0) { dst[0] = src[srcOffset]; return; }
        int n1 = d[r - 1], s1 = s[r - 1];
        int n2 = r >= 2 ? d[r - 2] : 1, s2 = r >= 2 ? s[r - 2] : 0;
        int rOuter = Math.Max(r - 2, 0);
        Span<int> idx = stackalloc int[rOuter + 1];
        int blocks = dst.Length / (n1 * n2), baseOff = srcOffset, o = 0;
        if (s2 == 1 && s1 != 1 && n1 >= 16 && n2 >= 16)
        {
            // A transpose in the last two axes: row-by-row reads would touch a new cache line per element.
            for (int b = 0; b < blocks; b++, o += n1 * n2)
            {
                TransposeTiles(src, baseOff, s1, dst.Slice(o, n1 * n2), n1, n2);
                baseOff = Advance(idx, d, s, rOuter, baseOff);
            }
            return;
        }
        if (n1 < 16 && GatherShortRows(src, srcOffset, dst, d, s, r)) return;
        for (int b = 0; b < blocks; b++)
        {
            int off = baseOff;
            if (n1 < 16)
            {
                // Short rows (im2col's kernel width): one flat loop over the last two axes, no per-row slicing.
                for (int j = 0; j < n2; j++, off += s2)
                    for (int k = 0, q = off; k < n1; k++, q += s1) dst[o++] = src[q];
                baseOff = Advance(idx, d, s, rOuter, baseOff);
                continue;
            }
            for (int j = 0; j < n2; j++, off += s2, o += n1)
            {
                var row = dst.Slice(o, n1);
                if (s1 == 1)
                {
                    if (n1 >= 16) src.Slice(off, n1).CopyTo(row);
                    else for (int k = 0; k < n1; k++) row[k] = src[off + k];
                }
                else if (s1 == 0) row.Fill(src[off]);
                else for (int k = 0, q = off; k < n1; k++, q += s1) row[k] = src[q];
            }
            baseOff = Advance(idx, d, s, rOuter, baseOff);
        }
    }

    // Note [Short strided rows]
    // im2col's windows collapse to rows as short as the kernel width (5 for a 5×5 filter) under a channel axis that does
    // not merge with them; a loop over the last two axes then runs the outer odometer every 25 elements, and every element
    // pays a span bounds check. Once one check has shown that every address of the pattern lies inside the strided operand
    // (InBounds), the last three axes run as one unchecked loop, in the same row-major order, so the copy and the
    // scatter-add (whose overlapping windows sum in that order) give bit-identical results to the checked loops. A pattern
    // that leaves the operand takes the checked loops, which throw.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe bool GatherShortRows<T>(ReadOnlySpan<T> src, int offset, Span<T> dst, Span<int> d, Span<int> s, int r) where T : unmanaged
    {
        if (!InBounds(offset, d, s, r, src.Length)) return false;
        int n1 = d[r - 1], s1 = s[r - 1];
        int n2 = r >= 2 ? d[r - 2] : 1, s2 = r >= 2 ? s[r - 2] : 0;
        int n3 = r >= 3 ? d[r - 3] : 1, s3 = r >= 3 ? s[r - 3] : 0;
        int rOuter = Math.Max(r - 3, 0);
        Span<int> idx = stackalloc int[rOuter + 1];
        int blocks = dst.Length / (n1 * n2 * n3), baseOff = offset;
        ref T sp = ref MemoryMarshal.GetReference(src);
        ref T dp = ref MemoryMarshal.GetReference(dst);
        nint o = 0;
        if (s1 == 1 && RowMask<T>(n1) is { } mask)
        {
            // Contiguous rows of at most one vector (a 5×5 filter's rows): one masked load and store per row.
            fixed (T* ps = src)
            fixed (T* pd = dst)
                MaskedRows<T, CopyRows>(ps, pd, mask, blocks, n1, n2, n3, s2, s3, baseOff, idx, d, s, rOuter);
            return true;
        }
        for (int b = 0; b < blocks; b++)
        {
            int off3 = baseOff;
            for (int c = 0; c < n3; c++, off3 += s3)
                for (int j = 0, off2 = off3; j < n2; j++, off2 += s2)
                    for (int k = 0, q = off2; k < n1; k++, q += s1) Unsafe.Add(ref dp, o++) = Unsafe.Add(ref sp, q);
            baseOff = Advance(idx, d, s, rOuter, baseOff);
        }
        return true;
    }

    // Note [Masked short rows]
    // A contiguous row no longer than one 256-bit vector is copied, or added into its destination, with AVX masked loads and
    // stores: lanes past the row are neither read (a masked load does not touch them, so it cannot fault past the operand)
    // nor written. Each element still gets the same single copy or addition, in the same row order, so the results are those
    // of the element loops bit for bit (x + y is commutative in IEEE 754). Float and double only; other types keep the loops.
    private static Vector256<byte>? RowMask<T>(int n1) where T : unmanaged
    {
        // Types first: Vector256<T>.Count throws for a T without vectors (bool).
        if (!Avx.IsSupported) return null;
        if (typeof(T) == typeof(float) && n1 <= 8) return Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(n1)).AsByte();
        if (typeof(T) == typeof(double) && n1 <= 4) return Vector256.LessThan(Vector256.Create(0L, 1, 2, 3), Vector256.Create((long)n1)).AsByte();
        return null;
    }

    // What one masked row does between the patterned operand (strided, at the pattern's offsets) and the packed one
    // (contiguous, row after row): a struct type argument, so the JIT compiles MaskedRows once per action with the call inlined.
    private interface IMaskedRow
    {
        static abstract unsafe void Row<T>(T* patterned, T* packed, Vector256<byte> mask) where T : unmanaged;
    }

    // Gather: packed ← patterned.
    private readonly struct CopyRows : IMaskedRow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void Row<T>(T* patterned, T* packed, Vector256<byte> mask) where T : unmanaged
        {
            if (typeof(T) == typeof(float)) Avx.MaskStore((float*)packed, mask.AsSingle(), Avx.MaskLoad((float*)patterned, mask.AsSingle()));
            else Avx.MaskStore((double*)packed, mask.AsDouble(), Avx.MaskLoad((double*)patterned, mask.AsDouble()));
        }
    }

    // Scatter-add: patterned += packed.
    private readonly struct AddRows : IMaskedRow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void Row<T>(T* patterned, T* packed, Vector256<byte> mask) where T : unmanaged
        {
            if (typeof(T) == typeof(float))
            {
                var m = mask.AsSingle();
                Avx.MaskStore((float*)patterned, m, Avx.Add(Avx.MaskLoad((float*)patterned, m), Avx.MaskLoad((float*)packed, m)));
            }
            else
            {
                var m = mask.AsDouble();
                Avx.MaskStore((double*)patterned, m, Avx.Add(Avx.MaskLoad((double*)patterned, m), Avx.MaskLoad((double*)packed, m)));
            }
        }
    }

    // The short-row walk shared by the gather and the scatter-add (Note [Masked short rows]): the last three collapsed axes
    // as one loop over rows of n1, the outer odometer between blocks, the packed side advancing one row at a time.
    private static unsafe void MaskedRows<T, TRow>(T* patterned, T* packed, Vector256<byte> mask, int blocks, int n1, int n2, int n3,
        int s2, int s3, int baseOff, Span<int> idx, Span<int> d, Span<int> s, int rOuter) where T : unmanaged where TRow : struct, IMaskedRow
    {
        nint o = 0;
        for (int b = 0; b < blocks; b++)
        {
            int off3 = baseOff;
            for (int c = 0; c < n3; c++, off3 += s3)
                for (int j = 0, off2 = off3; j < n2; j++, off2 += s2, o += n1)
                    TRow.Row(patterned + off2, packed + o, mask);
            baseOff = Advance(idx, d, s, rOuter, baseOff);
        }
    }

    // The scatter-add twin of GatherShortRows (Note [Short strided rows]): dst[pattern] += src, in src's row-major order.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe bool ScatterAddShortRows<T>(ReadOnlySpan<T> src, Span<T> dst, int offset, Span<int> d, Span<int> s, int r) where T : unmanaged, INumber<T>
    {
        if (!InBounds(offset, d, s, r, dst.Length)) return false;
        int n1 = d[r - 1], s1 = s[r - 1];
        int n2 = r >= 2 ? d[r - 2] : 1, s2 = r >= 2 ? s[r - 2] : 0;
        int n3 = r >= 3 ? d[r - 3] : 1, s3 = r >= 3 ? s[r - 3] : 0;
        int rOuter = Math.Max(r - 3, 0);
        Span<int> idx = stackalloc int[rOuter + 1];
        int blocks = src.Length / (n1 * n2 * n3), baseOff = offset;
        ref T sp = ref MemoryMarshal.GetReference(src);
        ref T dp = ref MemoryMarshal.GetReference(dst);
        nint o = 0;
        if (s1 == 1 && RowMask<T>(n1) is { } mask)
        {
            // Note [Masked short rows]: the rows' additions in the same order, one row at a time.
            fixed (T* ps = src)
            fixed (T* pd = dst)
                MaskedRows<T, AddRows>(pd, ps, mask, blocks, n1, n2, n3, s2, s3, baseOff, idx, d, s, rOuter);
            return true;
        }
        for (int b = 0; b < blocks; b++)
        {
            int off3 = baseOff;
            for (int c = 0; c < n3; c++, off3 += s3)
                for (int j = 0, off2 = off3; j < n2; j++, off2 += s2)
                    for (int k = 0, q = off2; k < n1; k++, q += s1) Unsafe.Add(ref dp, q) += Unsafe.Add(ref sp, o++);
            baseOff = Advance(idx, d, s, rOuter, baseOff);
        }
        return true;
    }

    // Whether offset + Σ iₖ·sₖ lies in [0, length) for every index i of the collapsed axes d (the extremes are at the corners).
    private static bool InBounds(int offset, Span<int> d, Span<int> s, int r, int length)
    {
        long lo = offset, hi = offset;
        for (int i = 0; i < r; i++)
        {
            long e = (long)(d[i] - 1) * s[i];
            if (e < 0) lo += e; else hi += e;
        }
        return lo >= 0 && hi < length;
    }

    // dst[j, k] = src[off + j + k·s1] for a (n2, n1) destination, in 32×32 tiles so both sides stay in cache.
    private static void TransposeTiles<T>(ReadOnlySpan<T> src, int off, int s1, Span<T> dst, int n1, int n2) where T : unmanaged
    {
        const int B = 32;
        for (int j0 = 0; j0 < n2; j0 += B)
        {
            int j1 = Math.Min(j0 + B, n2);
            for (int k0 = 0; k0 < n1; k0 += B)
            {
                int k1 = Math.Min(k0 + B, n1);
                for (int j = j0; j < j1; j++)
                {
                    var row = dst.Slice(j * n1, n1);
                    for (int k = k0, q = off + j + k0 * s1; k < k1; k++, q += s1) row[k] = src[q];
                }
            }
        }
    }

    // Note [Collapsed axes]
    // Strided copies run an odometer over the outer axes and tight loops over the last two. Dropping size-1 axes
    // and merging neighbours that are also contiguous in the strided operand (stride[i] = stride[i+1]·dims[i+1])
    // leaves as few and as long axes as possible: a permuted 4-D tensor often becomes a 2-D transpose, an
    // im2col view keeps its 5-wide rows but loses the channel axis when there is one channel.
    private static int Collapse(int[] dims, int[] strides, Span<int> d, Span<int> s)
    {
        int r = 0;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == 1) continue;
            if (r > 0 && s[r - 1] == strides[i] * dims[i]) { d[r - 1] *= dims[i]; s[r - 1] = strides[i]; }
            else { d[r] = dims[i]; s[r] = strides[i]; r++; }
        }
        return r;
    }

    // Moves the odometer over axes 0..rOuter−1 one step; returns the new base offset.
    private static int Advance(Span<int> idx, Span<int> d, Span<int> s, int rOuter, int baseOff)
    {
        for (int ax = rOuter - 1; ax >= 0; ax--)
        {
            baseOff += s[ax];
            if (++idx[ax] < d[ax]) break;
            baseOff -= idx[ax] * s[ax];
            idx[ax] = 0;
        }
        return baseOff;
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
    /// <remarks>Elements are added in the source's row-major order, so overlapping windows (col2im) sum deterministically.</remarks>
    public static void ScatterAdd<T>(ReadOnlySpan<T> src, int[] srcDims, Span<T> dst, int[] dstStrides, int dstOffset) where T : unmanaged, INumber<T>
    {
        if (src.Length == 0) return;
        Span<int> d = stackalloc int[srcDims.Length], s = stackalloc int[srcDims.Length];
        int r = Collapse(srcDims, dstStrides, d, s);   // see Note [Collapsed axes]
        if (r == 0) { dst[dstOffset] += src[0]; return; }
        int n1 = d[r - 1], s1 = s[r - 1];
        int n2 = r >= 2 ? d[r - 2] : 1, s2 = r >= 2 ? s[r - 2] : 0;
        int rOuter = Math.Max(r - 2, 0);
        Span<int> idx = stackalloc int[rOuter + 1];
        if (n1 < 16 && ScatterAddShortRows(src, dst, dstOffset, d, s, r)) return;
        int blocks = src.Length / (n1 * n2), baseOff = dstOffset, k = 0;
        for (int b = 0; b < blocks; b++)
        {
            int off = baseOff;
            for (int j = 0; j < n2; j++, off += s2, k += n1)
            {
                var row = src.Slice(k, n1);
                if (s1 == 1 && n1 >= 16) { var t = dst.Slice(off, n1); TensorPrimitives.Add(t, row, t); }
                else for (int q = 0, p = off; q < n1; q++, p += s1) dst[p] += row[q];
            }
            baseOff = Advance(idx, d, s, rOuter, baseOff);
        }
    }
}
