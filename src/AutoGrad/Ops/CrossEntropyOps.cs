using System.Buffers;
using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>Softmax cross-entropy from logits as one recorded op (the loss functions in AutoGrad.Losses call it).</summary>
internal static class CrossEntropyOps
{
    // Primitive because: composed (OneHot, LogSoftmax, Multiply, Sum, Negate, Mean) the loss made six full-size buffers
    // and six nodes on every step of a classifier: 38 KB and 18 µs for 256×10 logits. Here one row pass, no one-hot, and
    // only the row log-sum-exp is kept for the rule.
    /// <summary>
    /// <c>Lᵢ = −Σⱼ yᵢⱼ log softmax(zᵢ)ⱼ</c> over the last axis, summed per row (<paramref name="perRow"/>), else summed over rows or averaged (<paramref name="mean"/>); the target is class indices
    /// (<paramref name="indices"/>, the logits' shape without the last axis, already checked) or a dense target of the logits' shape
    /// and dtype. The logits have rank ≥ 1 and a non-empty last axis.
    /// </summary>
    internal static Tensor SoftmaxCrossEntropy(Tensor z, Tensor target, bool indices, bool perRow, bool mean)
    {
        int n = z.Shape[-1], rows = z.Size / n;
        var lse = Tensor.Uninitialized(Shape.Wrap([2 * rows]), z.DType);   // per row the shift and the log of the shifted sum
        var loss = Tensor.Uninitialized(perRow ? Shape.Wrap(z.Shape.Dims[..^1]) : Shape.Scalar, z.DType);
        int[]? classes = indices ? ArrayPool<int>.Shared.Rent(rows) : null;
        try
        {
            if (indices) ReadClasses(target, classes.AsSpan(0, rows), n, validate: true);
            var cls = indices ? classes.AsSpan(0, rows) : default;
            double total;
            if (z.DType == DType.Float32)
                total = CrossEntropyKernels.Forward<float>(z.F32, cls, indices ? default : target.F32, lse.F32, perRow ? loss.F32 : default, n);
            else
                total = CrossEntropyKernels.Forward<double>(z.F64, cls, indices ? default : target.F64, lse.F64, perRow ? loss.F64 : default, n);
            if (!perRow) loss.SetFlat(0, mean ? total / rows : total);   // NaN without rows, as Mean is
        }
        finally
        {
            if (classes is not null) ArrayPool<int>.Shared.Return(classes);
        }
        Recorder.Finish("SoftmaxCrossEntropy", lse, z, target);   // saved for the rule only: it lives as long as the loss (Note [Step scopes])
        double scale = mean ? 1.0 / rows : 1.0;
        // The target's values are read again by the rule, so an in-place change to it before backward is caught.
        return Recorder.Finish("SoftmaxCrossEntropy", loss, indices ? [z] : [z, target],
            g => Recorder.IsEnabled ? Composed(z, target, indices, perRow, scale, g) : Fused(z, target, indices, perRow, lse, scale, g),
            saved: [z, target]);
    }

    // ∂L/∂z = (softmax(z)·Σⱼ yⱼ − y)·gᵢ (softmax(z) − y for a class or a distribution) and, for a dense target,
    // ∂L/∂y = −log softmax(z)·gᵢ, with gᵢ the row's share of g.
    // With createGraph the rule itself is recorded, so it is composed from ops that can be differentiated again.
    private static Tensor?[] Composed(Tensor z, Tensor target, bool indices, bool perRow, double scale, Tensor g)
    {
        var gi = RowShare(g, perRow, scale);
        Tensor? dz = null;
        if (z.RequiresGrad && indices) dz = (z.Softmax(-1) - target.Detach().OneHot(z.Shape[-1]).To(z.DType)) * gi;
        else if (z.RequiresGrad) dz = (z.Softmax(-1) * target.Sum(-1, keepDims: true) - target) * gi;
        return indices ? [dz] : [dz, target.RequiresGrad ? -z.LogSoftmax(-1) * gi : null];
    }

    // gᵢ broadcast against the rows: g itself per row without reduction, else the scalar g times 1/rows (Mean) or 1 (Sum).
    private static Tensor RowShare(Tensor g, bool perRow, double scale) =>
        perRow ? g.Unsqueeze(-1) : scale == 1 ? g : g * scale;

    // The same values without a graph: one kernel pass from the saved log-sum-exp (the target's gradient, rarely wanted,
    // stays composed).
    private static Tensor?[] Fused(Tensor z, Tensor target, bool indices, bool perRow, Tensor lse, double scale, Tensor g)
    {
        Tensor? dz = null;
        if (z.RequiresGrad)
        {
            int n = z.Shape[-1], rows = lse.Size / 2;
            dz = Tensor.Uninitialized(z.Shape, z.DType);
            int[]? classes = indices ? ArrayPool<int>.Shared.Rent(rows) : null;
            try
            {
                if (indices) ReadClasses(target, classes.AsSpan(0, rows), n, validate: false);
                var cls = indices ? classes.AsSpan(0, rows) : default;
                if (z.DType == DType.Float32)
                    CrossEntropyKernels.Backward<float>(z.F32, lse.F32, cls, indices ? default : target.F32, g.F32, (float)scale, dz.F32, n);
                else
                    CrossEntropyKernels.Backward<double>(z.F64, lse.F64, cls, indices ? default : target.F64, g.F64, scale, dz.F64, n);
            }
            finally
            {
                if (classes is not null) ArrayPool<int>.Shared.Return(classes);
            }
        }
        if (indices) return [dz];
        if (!target.RequiresGrad) return [dz, null];
        return [dz, -z.LogSoftmax(-1) * RowShare(g, perRow, scale)];
    }

    // The class of each row, with OneHot's checks and messages (the composed loss went through OneHot): every value an
    // integer first, then every class in 0..n−1.
    private static void ReadClasses(Tensor target, Span<int> classes, int n, bool validate)
    {
        int bad = target.DType == DType.Float32 ? IndexKernels.ToIndices<float>(target.F32, classes) : IndexKernels.ToIndices<double>(target.F64, classes);
        // The one pass over the classes checks them too; only a bad one pays for the check that names it (and the loss).
        if (validate && (bad >= 0 || IndexKernels.FirstOutOfRange(classes, n) >= 0))
            IndexingOps.CheckClasses("SoftmaxCrossEntropy", target, n);
    }
}
