using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>Runs span kernels on tensors: picks the element type, allocates the result and applies broadcasting.</summary>
internal static class Dispatch
{
    public static Tensor Map<K>(Tensor x, K k = default) where K : struct, IUnaryKernel
    {
        var y = Tensor.Uninitialized(x.Shape, x.DType);
        if (x.DType == DType.Float32) k.Apply<float>(x.F32, y.F32);
        else k.Apply<double>(x.F64, y.F64);
        return y;
    }

    public static Tensor Map2<K>(string op, Tensor a, Tensor b, K k = default) where K : struct, IBinaryKernel
    {
        Tensor.CheckSameDType(op, a, b);
        Shape shape;
        try { shape = Shape.Broadcast(a.Shape, b.Shape, op); }
        catch (ArgumentException e) { throw Differentiation.Diagnostics.OperandError(op, e.Message, a, b, e); }
        var y = Tensor.Uninitialized(shape, a.DType);
        if (a.DType == DType.Float32) Run<float, K>(a, b, y, k);
        else Run<double, K>(a, b, y, k);
        return y;
    }

    /// <summary><c>y ← y + b</c> in place, <paramref name="b"/> broadcast to <paramref name="y"/>'s shape (no tape).</summary>
    public static void AddInPlace(Tensor y, Tensor b)
    {
        // A bias narrower than IsTrailingBlock's minimum (Linear's 10 classes): one short loop per row, where Run would
        // expand it or build stride arrays.
        if (b.Size > 0 && b.Size < 16 && y.Shape != b.Shape && IsTrailingBlock(b.Shape, y.Shape, minSize: 1))
        {
            if (y.DType == DType.Float32) AddRows<float>(y.F32, b.F32);
            else AddRows<double>(y.F64, b.F64);
            return;
        }
        // Every path of Run reads a row of its first operand at the offset it writes, so y can be operand and output.
        if (y.DType == DType.Float32) Run<float, AddKernel>(y, b, y, default);
        else Run<double, AddKernel>(y, b, y, default);
    }

    private static void AddRows<T>(Span<T> y, ReadOnlySpan<T> row) where T : unmanaged, System.Numerics.INumber<T>
    {
        for (int o = 0; o < y.Length; o += row.Length)
        {
            var dst = y.Slice(o, row.Length);
            for (int j = 0; j < dst.Length; j++) dst[j] += row[j];
        }
    }

    private static void Run<T, K>(Tensor a, Tensor b, Tensor y, K k)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        where K : struct, IBinaryKernel
    {
        var shape = y.Shape;
        if (a.Shape == shape && b.Shape == shape) { k.Apply<T>(a.Span<T>(), b.Span<T>(), y.Span<T>()); return; }
        // A bias row added to every row of a batch: apply the kernel row by row, no expanded copy.
        if (a.Shape == shape && IsTrailingBlock(b.Shape, shape))
        {
            var bs = b.Span<T>();
            Span<T> src = a.Span<T>(), dst = y.Span<T>();
            for (int o = 0; o < dst.Length; o += bs.Length) k.Apply<T>(src.Slice(o, bs.Length), bs, dst.Slice(o, bs.Length));
            return;
        }
        if (b.Shape == shape && IsTrailingBlock(a.Shape, shape))
        {
            var as_ = a.Span<T>();
            Span<T> src = b.Span<T>(), dst = y.Span<T>();
            for (int o = 0; o < dst.Length; o += as_.Length) k.Apply<T>(as_, src.Slice(o, as_.Length), dst.Slice(o, as_.Length));
            return;
        }
        if (y.Size < 256)
        {
            var ea = a.Shape == shape ? a : Expand(a, shape);
            var eb = b.Shape == shape ? b : Expand(b, shape);
            k.Apply<T>(ea.Span<T>(), eb.Span<T>(), y.Span<T>());
            return;
        }
        RunRows<T, K>(a, b, y, k);
    }

    // General broadcast (a scalar tensor, a per-channel bias (C, 1) on (N, C, L), an outer sum): walks the output row
    // by row in the jointly collapsed layout (see Note [Collapsed axes] in src/AutoGrad.Kernels/Strided.cs). A row that repeats one
    // value goes to the kernel's scalar form instead of an expanded copy.
    private static void RunRows<T, K>(Tensor a, Tensor b, Tensor y, K k)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        where K : struct, IBinaryKernel
    {
        var dims = y.Shape.Dims;
        var sa = Strided.BroadcastStrides(a.Shape.Dims, dims);
        var sb = Strided.BroadcastStrides(b.Shape.Dims, dims);
        Span<int> d = stackalloc int[dims.Length], pa = stackalloc int[dims.Length], pb = stackalloc int[dims.Length];
        int r = 0;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == 1) continue;
            if (r > 0 && pa[r - 1] == sa[i] * dims[i] && pb[r - 1] == sb[i] * dims[i]) { d[r - 1] *= dims[i]; pa[r - 1] = sa[i]; pb[r - 1] = sb[i]; }
            else { d[r] = dims[i]; pa[r] = sa[i]; pb[r] = sb[i]; r++; }
        }
        int n1 = d[r - 1];
        bool aRow = pa[r - 1] != 0, bRow = pb[r - 1] != 0;
        ReadOnlySpan<T> src1 = a.Span<T>(), src2 = b.Span<T>();
        var dst = y.Span<T>();
        Span<int> idx = stackalloc int[r];
        int oa = 0, ob = 0;
        for (int o = 0; o < dst.Length; o += n1)
        {
            if (!aRow) k.Apply<T>(src1[oa], src2.Slice(ob, n1), dst.Slice(o, n1));
            else if (!bRow) k.Apply<T>(src1.Slice(oa, n1), src2[ob], dst.Slice(o, n1));
            else k.Apply<T>(src1.Slice(oa, n1), src2.Slice(ob, n1), dst.Slice(o, n1));
            for (int ax = r - 2; ax >= 0; ax--)
            {
                oa += pa[ax]; ob += pb[ax];
                if (++idx[ax] < d[ax]) break;
                oa -= idx[ax] * pa[ax]; ob -= idx[ax] * pb[ax];
                idx[ax] = 0;
            }
        }
    }

    // True when `s`, without leading 1s, equals the trailing dimensions of `full` and holds at least 16 elements
    // (below that the per-row call costs more than expanding).
    private static bool IsTrailingBlock(Shape s, Shape full, int minSize = 16)
    {
        if (s.Size < minSize || full.Size % s.Size != 0) return false;
        var d = s.Dims;
        int lead = 0;
        while (lead < d.Length && d[lead] == 1) lead++;
        int n = d.Length - lead;
        if (n > full.Rank) return false;
        for (int i = 0; i < n; i++)
            if (d[lead + i] != full.Dims[full.Rank - n + i]) return false;
        return true;
    }

    /// <summary>A new contiguous tensor holding <paramref name="x"/> broadcast to <paramref name="shape"/> (no tape).</summary>
    public static Tensor Expand(Tensor x, Shape shape)
    {
        var y = Tensor.Uninitialized(shape, x.DType);
        var strides = Strided.BroadcastStrides(x.Shape.Dims, shape.Dims);
        if (x.DType == DType.Float32) Strided.Gather<float>(x.F32, strides, 0, y.F32, shape.Dims);
        else Strided.Gather<double>(x.F64, strides, 0, y.F64, shape.Dims);
        return y;
    }
}
