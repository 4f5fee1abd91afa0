using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>Runs span kernels on tensors: picks the element type, allocates the result and applies broadcasting.</summary>
internal static class Dispatch
{
    public static Tensor Map<K>(Tensor x, K k = default) where K : struct, IUnaryKernel
    {
        var y = Tensor.Empty(x.Shape, x.DType);
        if (x.DType == DType.Float32) k.Apply<float>(x.F32, y.F32);
        else k.Apply<double>(x.F64, y.F64);
        return y;
    }

    public static Tensor Map2<K>(string op, Tensor a, Tensor b, K k = default) where K : struct, IBinaryKernel
    {
        Tensor.CheckSameDType(op, a, b);
        Shape shape;
        try { shape = Shape.Broadcast(a.Shape, b.Shape, op); }
        catch (ArgumentException e) { throw Autograd.Diagnostics.OperandError(op, e.Message, a, b, e); }
        var y = Tensor.Empty(shape, a.DType);
        if (a.DType == DType.Float32) Run<float, K>(a, b, y, k);
        else Run<double, K>(a, b, y, k);
        return y;
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
        var ea = a.Shape == shape ? a : Expand(a, shape);
        var eb = b.Shape == shape ? b : Expand(b, shape);
        k.Apply<T>(ea.Span<T>(), eb.Span<T>(), y.Span<T>());
    }

    // True when `s`, without leading 1s, equals the trailing dimensions of `full` and holds at least 16 elements
    // (below that the per-row call costs more than expanding).
    private static bool IsTrailingBlock(Shape s, Shape full)
    {
        if (s.Size < 16 || full.Size % s.Size != 0) return false;
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
        var y = Tensor.Empty(shape, x.DType);
        var strides = Strided.BroadcastStrides(x.Shape.Dims, shape.Dims);
        if (x.DType == DType.Float32) Strided.Gather<float>(x.F32, strides, 0, y.F32, shape.Dims);
        else Strided.Gather<double>(x.F64, strides, 0, y.F64, shape.Dims);
        return y;
    }
}
