using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>Cumulative sums.</summary>
public static class CumsumOps
{
    /// <summary>Running sum along <paramref name="axis"/>: <c>yᵢ = Σ_{j ≤ i} xⱼ</c> (PyTorch's <c>cumsum</c>).</summary>
    /// <remarks>The gradient is the reversed running sum of g, <c>∂xⱼ = Σ_{i ≥ j} gᵢ</c>.</remarks>
    public static Tensor Cumsum(this Tensor x, int axis, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (x.Rank == 0) return x.Reshape(1).Cumsum(0).Reshape(Shape.Scalar);
        int a = x.Shape.NormalizeAxis(axis, "Cumsum");
        // Batching rule (Note [Batched tensors] in Ops/Batching.cs): the same sum along the axis shifted past the batch axes.
        if (Batching.IsOn(x)) return Batching.Unary(x, a + Batching.Levels(x).Length, static (r, ax) => Run(r, ax, reverse: false));
        return Run(x, a, reverse: false);
    }

    // Primitive because: composed as a product with a triangular matrix of ones it costs O(n²) per row and an infinite
    // element turns every other running sum into NaN (∞·0); sums along a reversed axis are their own adjoint's form, so the
    // rule is this op again and second derivatives come with it.
    private static Tensor Run(Tensor x, int axis, bool reverse)
    {
        var dims = x.Shape.Dims;
        int n = dims[axis], outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        for (int i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        var y = Tensor.Uninitialized(x.Shape, x.DType);
        if (x.DType == DType.Float32) CumsumKernels.Run<float>(x.F32, y.F32, outer, n, inner, reverse);
        else CumsumKernels.Run<double>(x.F64, y.F64, outer, n, inner, reverse);
        return Recorder.Finish("Cumsum", y, [x], g => [Run(g, axis, !reverse)], saved: []);
    }
}
