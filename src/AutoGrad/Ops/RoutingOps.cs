using AutoGrad.Differentiation;
using AutoGrad.Kernels;
using AutoGrad.Memory;

namespace AutoGrad;

/// <summary>
/// Linear ops that backward rules use to send a gradient through a fixed pattern: a positivity mask (ReLU) and the
/// positions of the extremes of a max or min. Each one's rule is itself a routing op, so gradients of every order work.
/// </summary>
// Primitive because: these run in every training step's backward pass; written as Multiply by a mask tensor
// (built element by element, then broadcast) they allocated and walked two or three extra full-size buffers.
internal static class RoutingOps
{
    /// <summary><c>y = g ⊙ 1(x &gt; 0)</c> for <paramref name="g"/> and <paramref name="x"/> of one shape; <paramref name="x"/> is a constant.</summary>
    public static Tensor PassWherePositive(this Tensor g, Tensor x)
    {
        var y = Tensor.Uninitialized(g.Shape, g.DType);
        if (g.DType == DType.Float32) MaskKernels.PassWherePositive<float>(g.F32, x.F32, y.F32);
        else MaskKernels.PassWherePositive<double>(g.F64, x.F64, y.F64);
        // see Note [Unrecorded ops] in Recorder.cs: in a backward pass without createGraph this op is never recorded
        return Recorder.Finish("PassWherePositive", y, g, null, null, x, static s => PassRule(s));
    }

    private static BackwardRule PassRule(Tensor x) => gg => [gg.PassWherePositive(x)];

    /// <summary>Zeros of <paramref name="full"/> with <c>g[k]</c> added at flat position <c>pos[k]</c> (<paramref name="g"/> has <c>pos.Length</c> elements).</summary>
    public static Tensor RouteTo(this Tensor g, RoutingPositions pos, Shape full)
    {
        var y = Tensor.Empty(full, g.DType);
        if (g.DType == DType.Float32) MaskKernels.Route<float>(g.F32, pos.Span, y.F32);
        else MaskKernels.Route<double>(g.F64, pos.Span, y.F64);
        var gShape = g.Shape;
        return Recorder.Finish("RouteTo", y, [g], gg => [gg.PickAt(pos, gShape)]);
    }

    /// <summary>The elements of <paramref name="h"/> at flat positions <paramref name="pos"/>, in <paramref name="shape"/>: the adjoint of <see cref="RouteTo"/>.</summary>
    public static Tensor PickAt(this Tensor h, RoutingPositions pos, Shape shape)
    {
        var y = Tensor.Uninitialized(shape, h.DType);
        if (h.DType == DType.Float32) MaskKernels.Pick<float>(h.F32, pos.Span, y.F32);
        else MaskKernels.Pick<double>(h.F64, pos.Span, y.F64);
        var full = h.Shape;
        return Recorder.Finish("PickAt", y, [h], gg => [gg.RouteTo(pos, full)]);
    }

    /// <summary>
    /// Max pooling of an NCHW tensor (already padded, geometry checked by the caller) with a k×k window and stride s; the
    /// gradient goes to the first maximal element of each window (NaN wins), added where windows overlap.
    /// </summary>
    // Primitive because: the window view plus Max copied every window (k² times the output) and its backward scattered a
    // routed copy back; this reads the input once and routes the gradient straight to the maxima.
    public static Tensor MaxPoolRouted(this Tensor x, int k, int s)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        int oh = (h - k) / s + 1, ow = (w - k) / s + 1;
        var y = Tensor.Uninitialized(new Shape(n, c, oh, ow), x.DType);
        var pos = RoutingPositions.Allocate(y.Size);
        if (x.DType == DType.Float32) MaskKernels.MaxPool<float>(x.F32, y.F32, pos.Span, n * c, h, w, k, s, oh, ow);
        else MaskKernels.MaxPool<double>(x.F64, y.F64, pos.Span, n * c, h, w, k, s, oh, ow);
        var inShape = x.Shape;
        return Recorder.Finish("MaxPool2d", y, [x], g => [g.RouteTo(pos, inShape)]);
    }
}
