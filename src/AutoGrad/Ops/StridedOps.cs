using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>
/// The two linear primitives behind every view-like op: reading a strided pattern out of a tensor, and its
/// adjoint, adding a tensor back into that pattern of a zero tensor.
/// </summary>
// Primitive because: slicing, selecting, transposing and permuting are all "read with these strides from
// this offset"; one pair of mutually adjoint ops gives all of them gradients of every order.
internal static class StridedOps
{
    /// <summary><c>y[i] = x[offset + Σ iₖ·stridesₖ]</c> for every index <c>i</c> of <paramref name="shape"/>.</summary>
    public static Tensor AsStrided(this Tensor x, Shape shape, int[] strides, int offset, string op)
    {
        if (Batching.IsOn(x)) return Batching.AsStrided(x, shape, strides, offset, op);
        var y = Tensor.Uninitialized(shape, x.DType);
        switch (x.DType)   // views of integer and bool tensors too (labels sliced into batches); only floats record
        {
            case DType.Float32: Strided.Gather<float>(x.F32, strides, offset, y.F32, shape.Dims); break;
            case DType.Float64: Strided.Gather<double>(x.F64, strides, offset, y.F64, shape.Dims); break;
            case DType.Int32: Strided.Gather<int>(x.I32, strides, offset, y.I32, shape.Dims); break;
            case DType.Int64: Strided.Gather<long>(x.I64, strides, offset, y.I64, shape.Dims); break;
            default: Strided.Gather<bool>(x.B8, strides, offset, y.B8, shape.Dims); break;
        }
        // The scatter may go straight into x's running gradient (Note [Scattered view gradients] in GradientSinks.cs).
        return Recorder.Finish(op, y, [x], g => [GradientSinks.Scatter(x, g, strides, offset, op, static (g, shape, strides, offset, op) => g.AsStridedScatter(shape, strides, offset, op))], saved: []);
    }

    /// <summary>The adjoint of <see cref="AsStrided"/>: zeros of <paramref name="shape"/> with <paramref name="src"/> added at the strided positions.</summary>
    public static Tensor AsStridedScatter(this Tensor src, Shape shape, int[] strides, int offset, string op)
    {
        if (Batching.IsOn(src)) return Batching.AsStridedScatter(src, shape, strides, offset, op);
        var y = Tensor.Empty(shape, src.DType);
        if (src.DType == DType.Float32) Strided.ScatterAdd<float>(src.F32, src.Shape.Dims, y.F32, strides, offset);
        else Strided.ScatterAdd<double>(src.F64, src.Shape.Dims, y.F64, strides, offset);
        var srcShape = src.Shape;
        return Recorder.Finish(op + "Backward", y, [src], g => [g.AsStrided(srcShape, strides, offset, op)], saved: []);
    }
}
