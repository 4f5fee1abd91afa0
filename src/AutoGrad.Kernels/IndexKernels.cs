using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace AutoGrad.Kernels;

/// <summary>
/// Index kernels behind IndexSelect/IndexAdd, Gather/ScatterAdd, OneHot-style class reads and arg-extreme routing: integer
/// positions in, values moved. Arrays are contiguous and viewed as <c>[outer, n, inner]</c> around the indexed axis.
/// </summary>
internal static class IndexKernels
{
    /// <summary>
    /// <c>y[o, j, :] = x[o, indices[j], :]</c> for x viewed as <c>[outer, n, inner]</c> and y as <c>[outer, indices.Length, inner]</c>;
    /// every index is in <c>0..n−1</c> (checked by the caller). Each block of <paramref name="inner"/> elements is one copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SelectBlocks<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> indices, Span<T> y, int outer, int n, int inner)
    {
        int m = indices.Length;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++)
                x.Slice((o * n + indices[j]) * inner, inner).CopyTo(y.Slice((o * m + j) * inner, inner));
    }

    /// <summary>
    /// <c>y[o, indices[j], :] += g[o, j, :]</c>, the adjoint of <see cref="SelectBlocks{T}"/>; repeated indices accumulate in
    /// order of <c>j</c>.
    /// </summary>
    public static void AddBlocks<T>(ReadOnlySpan<T> g, ReadOnlySpan<int> indices, Span<T> y, int outer, int n, int inner)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = indices.Length;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++)
            {
                var dst = y.Slice((o * n + indices[j]) * inner, inner);
                TensorPrimitives.Add(dst, g.Slice((o * m + j) * inner, inner), dst);
            }
    }

    /// <summary><c>y[k] = x[pos[k]]</c> (a gather by flat positions).</summary>
    public static void Take<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> pos, Span<T> y)
    {
        for (int k = 0; k < pos.Length; k++) y[k] = x[pos[k]];
    }

    /// <summary><c>y[pos[k]] += source[k]</c>; repeated positions accumulate in order of <c>k</c>.</summary>
    public static void Put<T>(ReadOnlySpan<int> pos, ReadOnlySpan<T> source, Span<T> y) where T : unmanaged, INumber<T>
    {
        for (int k = 0; k < pos.Length; k++) y[pos[k]] += source[k];
    }

    /// <summary>
    /// Reads integer-valued floats as <see cref="int"/>s into <paramref name="indices"/>; returns the position of the first value
    /// that is not an integer in <c>int</c>'s range (NaN included), or −1 when all are. Values before that position are written.
    /// </summary>
    public static int ToIndices<T>(ReadOnlySpan<T> x, Span<int> indices) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < indices.Length; i++)
        {
            double v = double.CreateTruncating(x[i]);
            if (v != Math.Floor(v) || double.IsNaN(v) || Math.Abs(v) > int.MaxValue) return i;
            indices[i] = (int)v;
        }
        return -1;
    }

    /// <summary>The position of the first index outside <c>0..n−1</c>, or −1 when all are inside.</summary>
    public static int FirstOutOfRange(ReadOnlySpan<int> indices, int n)
    {
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)n) return i;
        return -1;
    }

    /// <summary>
    /// For each element of an index array of dims <paramref name="indexDims"/> (row-major), the flat offset it points at in an
    /// array with <paramref name="strides"/>, replacing its coordinate on <paramref name="axis"/> by the index value. Returns the
    /// position of the first index outside <c>0..axisLength−1</c>, or −1 when all are inside (offsets are written up to it).
    /// </summary>
    public static int AxisOffsets(ReadOnlySpan<int> indices, ReadOnlySpan<int> indexDims, ReadOnlySpan<int> strides, int axis, int axisLength, Span<int> offsets)
    {
        Span<int> pos = indexDims.Length <= 16 ? stackalloc int[indexDims.Length] : new int[indexDims.Length];
        pos.Clear();
        for (int k = 0; k < indices.Length; k++)
        {
            int v = indices[k];
            if ((uint)v >= (uint)axisLength) return k;
            int off = 0;
            for (int i = 0; i < pos.Length; i++) off += (i == axis ? v : pos[i]) * strides[i];
            offsets[k] = off;
            for (int i = pos.Length - 1; i >= 0; i--) { if (++pos[i] < indexDims[i]) break; pos[i] = 0; }
        }
        return -1;
    }

    /// <summary>
    /// The flat input position of each arg-extreme of a reduction along the middle axis of <c>[outer, n, inner]</c>:
    /// <c>pos[o·inner + i] = (o·n + arg[o·inner + i])·inner + i</c>.
    /// </summary>
    public static void ArgPositions(ReadOnlySpan<int> arg, Span<int> pos, int outer, int n, int inner)
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) pos[o * inner + i] = (o * n + arg[o * inner + i]) * inner + i;
    }
}
