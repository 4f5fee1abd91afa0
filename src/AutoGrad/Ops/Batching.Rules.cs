using AutoGrad.Kernels;

namespace AutoGrad.Differentiation;

// The batching rules of the primitives that are not element-wise (those use Batching.Unary/Binary/Ternary at the op):
// each moves nothing (batch axes are always in front, Note [Batched tensors]) and calls the same op on the real tensor
// with its axes shifted past the batch axes. The op calls these only for a batched operand.
internal static partial class Batching
{
    private static BatchedStorage S(Tensor t) => (BatchedStorage)t.Storage;

    // ---- reductions and the softmax family: shift the axes ----

    public static Tensor Sum(Tensor x, int[] axes, bool keepDims)
    {
        var s = S(x);
        var ax = ReductionOps.Normalize("Sum", x, axes).Select(a => a + s.Levels.Length).ToArray();
        return Wrap(s.Real.Sum(ax, keepDims), s.Levels);
    }

    public static Tensor Extreme(Tensor x, int axis, bool keepDims, bool max)
    {
        var s = S(x);
        int a = Shift(x, axis, max ? "Max" : "Min");
        return Wrap(max ? s.Real.Max(a, keepDims) : s.Real.Min(a, keepDims), s.Levels);
    }

    public static Tensor ArgExtreme(Tensor x, int? axis, bool keepDims, bool max)
    {
        if (axis is null) return ArgExtreme(x.Reshape(-1), 0, false, max);
        var s = S(x);
        int a = Shift(x, axis.Value, max ? "ArgMax" : "ArgMin");
        return Wrap(max ? s.Real.ArgMax(a, keepDims) : s.Real.ArgMin(a, keepDims), s.Levels);
    }

    public static Tensor Softmax(Tensor x, int axis, bool log)
    {
        var s = S(x);
        int a = Shift(x, axis, log ? "LogSoftmax" : "Softmax");
        return Wrap(log ? s.Real.LogSoftmax(a) : s.Real.Softmax(a), s.Levels);
    }

    public static Tensor LogSumExp(Tensor x, int axis, bool keepDims)
    {
        var s = S(x);
        return Wrap(s.Real.LogSumExp(Shift(x, axis, "LogSumExp"), keepDims), s.Levels);
    }

    public static Tensor Moment(Tensor x, int[]? axes, bool unbiased, bool keepDims, bool std)
    {
        var s = S(x);
        string op = std ? "Std" : "Var";
        var ax = (axes is null ? Enumerable.Range(0, x.Rank).ToArray() : ReductionOps.Normalize(op, x, axes)).Select(a => a + s.Levels.Length).ToArray();
        return Wrap(std ? s.Real.Std(ax, unbiased, keepDims) : s.Real.Var(ax, unbiased, keepDims), s.Levels);
    }

    // ---- movement: the logical shape after the batch axes ----

    public static Tensor Reshape(Tensor x, int[] shape)
    {
        var s = S(x);
        var target = ShapeOps.InferShape("Reshape", x.Shape, shape);
        return Wrap(s.Real.Reshape([.. BatchDims(s), .. target.Dims]), s.Levels);
    }

    public static Tensor Permute(Tensor x, int[] perm)
    {
        var s = S(x);
        if (perm.Length != x.Rank) throw new ArgumentException($"Permute: {perm.Length} axes given for shape {x.Shape} of rank {x.Rank}.");
        int k = s.Levels.Length;
        var p = Enumerable.Range(0, k).Concat(perm.Select(a => x.Shape.NormalizeAxis(a, "Permute") + k)).ToArray();
        return Wrap(s.Real.Permute(p), s.Levels);
    }

    public static Tensor BroadcastTo(Tensor x, Shape shape)
    {
        var s = S(x);
        if (!x.Shape.CanBroadcastTo(shape))
            throw new ArgumentException($"BroadcastTo: shape {x.Shape} cannot be broadcast to {shape}: aligned from the right, each dimension must equal the target's or be 1.");
        return Wrap(Align(x, s.Levels, shape.Rank).BroadcastTo(new Shape([.. BatchDims(s), .. shape.Dims])), s.Levels);
    }

    public static Tensor SumTo(Tensor x, Shape shape)
    {
        var s = S(x);
        if (!shape.CanBroadcastTo(x.Shape))
            throw new ArgumentException($"SumTo: shape {x.Shape} cannot be summed down to {shape}: {shape} does not broadcast to {x.Shape}.");
        int k = s.Levels.Length, lead = x.Rank - shape.Rank;
        var real = lead > 0 ? s.Real.Sum(Enumerable.Range(k, lead).ToArray()) : s.Real;
        return Wrap(real.SumTo(new Shape([.. BatchDims(s), .. shape.Dims])), s.Levels);
    }

    /// <summary>A strided read: the batch axes read with the real tensor's own (contiguous) strides.</summary>
    public static Tensor AsStrided(Tensor x, Shape shape, int[] strides, int offset, string op)
    {
        var s = S(x);
        var b = BatchDims(s);
        return Wrap(s.Real.AsStrided(new Shape([.. b, .. shape.Dims]), [.. BatchStrides(b, x.Size), .. strides], offset, op), s.Levels);
    }

    /// <summary>The adjoint of <see cref="AsStrided"/>: each example scattered into its own block of the result.</summary>
    public static Tensor AsStridedScatter(Tensor src, Shape shape, int[] strides, int offset, string op)
    {
        var s = S(src);
        var b = BatchDims(s);
        return Wrap(s.Real.AsStridedScatter(new Shape([.. b, .. shape.Dims]), [.. BatchStrides(b, shape.Size), .. strides], offset, op), s.Levels);
    }

    public static Tensor Pad(Tensor x, (int Before, int After)[] widths, double value)
    {
        var s = S(x);
        if (widths.Length != x.Rank) throw new ArgumentException($"Pad: {widths.Length} (before, after) pairs given for shape {x.Shape} of rank {x.Rank}.");
        return Wrap(s.Real.Pad([.. s.Levels.Select(_ => (0, 0)), .. widths], value), s.Levels);
    }

    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis)
    {
        var u = Union(tensors);
        var ops = tensors.ToArray();
        int a = tensors[0].Shape.NormalizeAxis(axis, "Concat") + u.Length;
        return Wrap(CombineOps.Concat(tensors.Select(t => Expand(t, u, ops)).ToArray(), a), u);
    }

    // ---- indexing ----

    public static Tensor Gather(Tensor x, int axis, Tensor index)
    {
        var u = Union(x, index);
        int a = x.Shape.NormalizeAxis(axis, "Gather") + u.Length;
        return Wrap(Expand(x, u, [x, index]).Gather(a, Expand(index, u, [x, index])), u);
    }

    public static Tensor ScatterAdd(Tensor x, int axis, Tensor index, Tensor source)
    {
        var u = Union(x, index, source);
        int a = x.Shape.NormalizeAxis(axis, "ScatterAdd") + u.Length;
        return Wrap(Expand(x, u, [x, index, source]).ScatterAdd(a, Expand(index, u, [x, index, source]), Expand(source, u, [x, index, source])), u);
    }

    public static Tensor IndexSelect(Tensor x, int axis, int[] indices)
    {
        var s = S(x);
        return Wrap(s.Real.IndexSelect(Shift(x, axis, "IndexSelect"), indices), s.Levels);
    }

    public static Tensor IndexAdd(Tensor x, int axis, int[] indices, Tensor source)
    {
        var u = Union(x, source);
        int a = x.Shape.NormalizeAxis(axis, "IndexAdd") + u.Length;
        return Wrap(Expand(x, u, [x, source]).IndexAdd(a, indices, Expand(source, u, [x, source])), u);
    }

    // ---- products, pooling, the fused loss ----

    /// <summary>
    /// <c>op(A)·op(B) + bias</c>: a batched left operand against a plain matrix is one product over the folded rows (a
    /// Linear layer stays one GEMM); otherwise the operands are aligned and the batch axes become matmul batch axes.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transA, bool transB, Tensor? bias)
    {
        if (!transA && b.Rank == 2 && b.Storage is BatchedStorage { Shared: not null } shared)
        {
            var y = PerExampleProduct(a, b, shared, transB);
            return bias is null ? y : y + bias;
        }
        var u = Union(a, b, bias);
        if (!transA && !IsOn(b) && b.Rank == 2 && (bias is null || !IsOn(bias)))
        {
            var ra = Real(a);
            var rows = ra.Reshape(-1, a.Shape[-1]);
            var y = LinearAlgebraOps.MatMul(rows, b, false, transB, bias);
            return Wrap(y.Reshape([.. ra.Shape.Dims[..^1], y.Shape[-1]]), u);
        }
        int r = Math.Max(a.Rank, b.Rank);
        if (bias is not null && IsOn(bias))   // a batched bias need not broadcast to the product's batch axes (they may be 1): add it after
            return Wrap(LinearAlgebraOps.MatMul(Align(a, u, r), Align(b, u, r), transA, transB, null) + Align(bias, u, r), u);
        return Wrap(LinearAlgebraOps.MatMul(Align(a, u, r), Align(b, u, r), transA, transB, bias), u);
    }

    // Note [Per-example leaves]
    // Vmap(Grad(f)) differentiates each example's f with respect to an input that is the same for every example (a model's
    // weight W): the gradient is per example, so the leaf is a real tensor P with one copy of W per example (Note
    // [Composable transforms] in Functional.Compose.cs). Writing those copies costs B times W's size, and a product
    // against P would then run B small products reading them all, with B more in the backward pass. So P has no buffer
    // (BatchedStorage.Shared holds W) until some rule reads BatchedStorage.Real, which allocates and fills it; the product
    // below, the way a Linear layer uses its weight, does not: its forward is one GEMM against W over every example's
    // rows, the node it records has P as its operand, and its rule gives ∂P for example b as a_bᵀ·g_b, an outer product
    // when the example has one row, so the per-example gradient is written once, by the op that computes it. With
    // createGraph the rule reads P (filling it) so that second derivatives see P, not the constant W.

    // op(A)·op(P) for P a per-example leaf of the matrix W: one GEMM over the folded rows (see the note above).
    private static Tensor PerExampleProduct(Tensor a, Tensor b, BatchedStorage sb, bool transB)
    {
        var w = sb.Shared!;
        var u = Union(a, b);
        var p = sb.Leaf;
        var ar = Expand(a, u, [a, b]);   // (batch…, rows…, k)
        int k = transB ? w.Shape[1] : w.Shape[0], n = transB ? w.Shape[0] : w.Shape[1];
        if (a.Shape[-1] != k)
            throw Diagnostics.OperandError("MatMul",
                $"MatMul: inner dimensions differ: shapes {a.Shape} and {b.Shape} give [{a.Shape[-2]}×{a.Shape[-1]}]·[{k}×{n}]; the left operand's last axis must equal the right operand's second-to-last.", a, b);
        int batch = 1;
        for (int i = 0; i < u.Length; i++) batch *= ar.Shape[i];
        int rows = ar.Size / Math.Max(1, batch * k);
        Tensor y;
        using (Recorder.NoGrad()) y = LinearAlgebraOps.MatMul(ar.Reshape(-1, k), w, false, transB, null).Reshape([.. ar.Shape.Dims[..^1], n]);
        var y2 = Recorder.Finish("MatMul", y, [ar, p], g =>
        {
            Tensor? ga = null;
            if (ar.RequiresGrad)
                ga = Recorder.IsEnabled   // createGraph: through P, so the gradient stays a function of it
                    ? LinearAlgebraOps.MatMul(g.Reshape(batch, rows, n), sb.Real.Reshape(batch, w.Shape[0], w.Shape[1]), false, !transB, null).Reshape(ar.Shape)
                    : LinearAlgebraOps.MatMul(g.Reshape(-1, n), w, false, !transB, null).Reshape(ar.Shape);
            Tensor gp;
            if (rows == 1)
            {
                Tensor a2 = ar.Reshape(batch, k), g2 = g.Reshape(batch, n);
                gp = transB ? RowOuter(g2, a2) : RowOuter(a2, g2);
            }
            else
            {
                Tensor a3 = ar.Reshape(batch, rows, k), g3 = g.Reshape(batch, rows, n);
                gp = transB ? LinearAlgebraOps.MatMul(g3, a3, true, false, null) : LinearAlgebraOps.MatMul(a3, g3, true, false, null);
            }
            return [ga, gp.Reshape(p.Shape)];
        }, saved: [ar]);
        return Wrap(y2, u);
    }

    /// <summary>
    /// <c>o[b, i, j] = x[b, i]·y[b, j]</c> for x (B, m) and y (B, n): each example's outer product, as the broadcast product
    /// <c>x.Unsqueeze(2) * y.Unsqueeze(1)</c> gives it, bit for bit. When that product would be recorded (createGraph, an
    /// operand requiring gradients) it is that product, so second derivatives exist; otherwise the kernel writes each element
    /// once into an uninitialized result (OuterKernels in src/AutoGrad.Kernels/OuterKernels.cs), with no pass over the
    /// broadcast machinery.
    /// </summary>
    public static Tensor RowOuter(Tensor x, Tensor y)
    {
        if (x.Rank != 2 || y.Rank != 2 || x.Shape[0] != y.Shape[0])
            throw new ArgumentException($"RowOuter: x {x.Shape} and y {y.Shape} must be (B, m) and (B, n) with the same B.");
        if (IsOn(x) || IsOn(y) || x.DType != y.DType || !x.DType.IsFloatingPoint() || Recorder.IsEnabled && (x.RequiresGrad || y.RequiresGrad))
            return x.Unsqueeze(2) * y.Unsqueeze(1);
        int batch = x.Shape[0], m = x.Shape[1], n = y.Shape[1];
        var o = Tensor.Uninitialized(new Shape(batch, m, n), x.DType);
        if (x.DType == DType.Float32) OuterKernels.RowOuter(x.Buffer<float>(), y.Buffer<float>(), o.Buffer<float>(), batch, m, n);
        else OuterKernels.RowOuter(x.Buffer<double>(), y.Buffer<double>(), o.Buffer<double>(), batch, m, n);
        return o;
    }

    /// <summary>Max pooling with the batch axes folded into N.</summary>
    public static Tensor MaxPool(Tensor x, int k, int stride)
    {
        var s = S(x);
        var dims = s.Real.Shape.Dims;
        int lead = s.Levels.Length + 1;
        var folded = s.Real.Reshape([.. new[] { dims[..lead].Aggregate(1, (p, d) => p * d) }, .. dims[lead..]]);
        var y = folded.MaxPoolRouted(k, stride);
        return Wrap(y.Reshape([.. dims[..lead], .. y.Shape.Dims[1..]]), s.Levels);
    }

    /// <summary>
    /// The fused softmax cross-entropy per row on the real tensors, then each example's own reduction (a mean over the
    /// example's rows, not over the batch).
    /// </summary>
    public static Tensor SoftmaxCrossEntropy(Tensor z, Tensor target, bool indices, bool perRow, bool mean)
    {
        var u = Union(z, target);
        var zr = Expand(z, u, [z, target]);
        var tr = Expand(target, u, [z, target]);
        var rows = Wrap(CrossEntropyOps.SoftmaxCrossEntropy(zr, tr, indices, perRow: true, mean: false), u);
        return perRow ? rows : mean ? rows.Mean() : rows.Sum();
    }

    public static int[] BatchDims(BatchedStorage s) => s.Real.Shape.Dims[..s.Levels.Length];

    private static int[] BatchStrides(int[] batch, int exampleSize)
    {
        var strides = new int[batch.Length];
        int stride = exampleSize;
        for (int i = batch.Length - 1; i >= 0; i--) { strides[i] = stride; stride *= batch[i]; }
        return strides;
    }
}
