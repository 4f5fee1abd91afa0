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
        var y = Tensor.Uninitialized(shape, x.DType);
        if (x.DType == DType.Float32) Strided.Gather<float>(x.F32, strides, offset, y.F32, shape.Dims);
        else Strided.Gather<double>(x.F64, strides, offset, y.F64, shape.Dims);
        var inShape = x.Shape;
        return Recorder.Finish(op, y, [x], g => [g.AsStridedScatter(inShape, strides, offset, op)], saved: []);
    }

    /// <summary>The adjoint of <see cref="AsStrided"/>: zeros of <paramref name="shape"/> with <paramref name="src"/> added at the strided positions.</summary>
    public static Tensor AsStridedScatter(this Tensor src, Shape shape, int[] strides, int offset, string op)
    {
        var y = Tensor.Empty(shape, src.DType);
        if (src.DType == DType.Float32) Strided.ScatterAdd<float>(src.F32, src.Shape.Dims, y.F32, strides, offset);
        else Strided.ScatterAdd<double>(src.F64, src.Shape.Dims, y.F64, strides, offset);
        var srcShape = src.Shape;
        return Recorder.Finish(op + "Backward", y, [src], g => [g.AsStrided(srcShape, strides, offset, op)], saved: []);
    }
}
