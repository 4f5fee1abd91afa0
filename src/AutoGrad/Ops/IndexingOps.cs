using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>Selecting parts of a tensor: slices with steps, single indices, gather and scatter-add along an axis.</summary>
public static partial class IndexingOps
{
    /// <summary>Elements <c>start, start + step, …</c> (before <paramref name="end"/>) along <paramref name="axis"/>; negative bounds count from the end.</summary>
    public static Tensor Slice(this Tensor x, int axis, int start, int end, int step = 1, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        int a = x.Shape.NormalizeAxis(axis, "Slice");
        if (step <= 0) throw new ArgumentException($"Slice: step must be positive, got {step}.");
        int d = x.Shape[a];
        int s = Math.Clamp(start < 0 ? start + d : start, 0, d);
        int e = Math.Clamp(end < 0 ? end + d : end, 0, d);
        int len = e > s ? (e - s + step - 1) / step : 0;
        var strides = x.Shape.Strides();
        int offset = s * strides[a];
        strides[a] *= step;
        var dims = x.Shape.ToArray();
        dims[a] = len;
        var y = x.AsStrided(new Shape(dims), strides, offset, "Slice");
        if (OpTrace.IsActive) OpTrace.Describe(y, "Slice", [x], ("axis", a), ("start", s), ("end", e), ("step", step));   // Note [Op traces]
        return y;
    }

    /// <summary>A slice by C# ranges, one per leading axis: <c>x.Slice(.., 1..3)</c>.</summary>
    public static Tensor Slice(this Tensor x, Range[] ranges, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        ArgumentNullException.ThrowIfNull(ranges);
        if (ranges.Length > x.Rank) throw new ArgumentException($"Slice: {ranges.Length} ranges given for shape {x.Shape} of rank {x.Rank}.");
        var y = x;
        for (int i = 0; i < ranges.Length; i++)
        {
            var (off, len) = ranges[i].GetOffsetAndLengthChecked(x.Shape[i], i, x.Shape);
            if (off != 0 || len != x.Shape[i]) y = y.Slice(i, off, off + len);
        }
        return y;
    }

    /// <summary>The sub-tensor at <paramref name="index"/> along <paramref name="axis"/>, that axis removed.</summary>
    public static Tensor Select(this Tensor x, int axis, int index, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        int a = x.Shape.NormalizeAxis(axis, "Select");
        int d = x.Shape[a];
        int i = index < 0 ? index + d : index;
        if (i < 0 || i >= d) throw new IndexOutOfRangeException($"Select: index {index} is out of range for axis {axis} of size {d} (shape {x.Shape}).");
        var strides = x.Shape.Strides();
        int offset = i * strides[a];
        var dims = x.Shape.Dims.Where((_, k) => k != a).ToArray();
        var y = x.AsStrided(new Shape(dims), strides.Where((_, k) => k != a).ToArray(), offset, "Select");
        if (OpTrace.IsActive) OpTrace.Describe(y, "Select", [x], ("axis", a), ("index", i));   // Note [Op traces]
        return y;
    }

    /// <summary>
    /// <c>y[…, i, …] = x[…, index[…, i, …], …]</c> along <paramref name="axis"/> (PyTorch's <c>gather</c>); <paramref name="index"/> has
    /// the input's rank, holds int64 or int32 indices (or whole-number floats), and its other axes may be no longer than the input's.
    /// </summary>
    public static Tensor Gather(this Tensor x, int axis, Tensor index, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.Any(x, index)) return Batching.Gather(x, axis, index);
        int a = x.Shape.NormalizeAxis(axis, "Gather");
        var offsets = Positions("Gather", x.Shape, a, index);
        var y = Tensor.Uninitialized(index.Shape, x.DType);
        if (x.DType == DType.Float32) IndexKernels.Take<float>(x.F32, offsets, y.F32);
        else IndexKernels.Take<double>(x.F64, offsets, y.F64);
        var inShape = x.Shape;
        var result = Recorder.Finish("Gather", y, [x], g => [Tensor.Zeros(inShape, g.DType).ScatterAdd(a, index, g)]);
        if (OpTrace.IsActive) OpTrace.Describe(result, "Gather", [x, index], ("axis", a));   // Note [Op traces]: the node does not list the index
        return result;
    }

    /// <summary>
    /// A copy of <paramref name="x"/> with <paramref name="source"/> added at <c>[…, index[…, i, …], …]</c> along <paramref name="axis"/>
    /// (PyTorch's <c>scatter_add</c>); repeated indices accumulate.
    /// </summary>
    public static Tensor ScatterAdd(this Tensor x, int axis, Tensor index, Tensor source, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.Any(x, index, source)) return Batching.ScatterAdd(x, axis, index, source);
        int a = x.Shape.NormalizeAxis(axis, "ScatterAdd");
        Tensor.CheckSameDType("ScatterAdd", x, source);
        if (source.Shape != index.Shape)
            throw new ArgumentException($"ScatterAdd: source shape {source.Shape} differs from index shape {index.Shape}.");
        var offsets = Positions("ScatterAdd", x.Shape, a, index);
        var y = x.Clone();
        if (x.DType == DType.Float32) IndexKernels.Put<float>(offsets, source.F32, y.F32);
        else IndexKernels.Put<double>(offsets, source.F64, y.F64);
        return Recorder.Finish("ScatterAdd", y, [x, source], g => [g, source.RequiresGrad ? g.Gather(a, index) : null]);
    }

    // Primitive because: speed. Composed as Gather it built an index tensor as large as the result (for a 60,000-image
    // subset, hundreds of megabytes of doubles) and read element by element; here each slice is one block copy and the rule
    // adds blocks back (IndexAdd), the two being each other's adjoint.
    /// <summary>The slices of <paramref name="x"/> at the given positions along <paramref name="axis"/>, in that order (repeats allowed).</summary>
    public static Tensor IndexSelect(this Tensor x, int axis, int[] indices, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(x)) return Batching.IndexSelect(x, axis, indices);
        ArgumentNullException.ThrowIfNull(indices);
        int a = x.Shape.NormalizeAxis(axis, "IndexSelect");
        var idx = CheckedIndices("IndexSelect", x.Shape, a, indices);
        var dims = x.Shape.ToArray();
        dims[a] = idx.Length;
        var y = Tensor.Uninitialized(new Shape(dims), x.DType);
        var (outer, n, inner) = Reduce.Split(x.Shape.Dims, a);
        if (x.DType == DType.Float32) IndexKernels.SelectBlocks<float>(x.F32, idx, y.F32, outer, n, inner);
        else IndexKernels.SelectBlocks<double>(x.F64, idx, y.F64, outer, n, inner);
        var inShape = x.Shape;
        var result = Recorder.Finish("IndexSelect", y, [x], g => [Tensor.Zeros(inShape, g.DType).IndexAdd(a, idx, g)], saved: []);
        if (OpTrace.IsActive) OpTrace.Describe(result, "IndexSelect", [x], ("axis", a), ("indices", idx));   // Note [Op traces]
        return result;
    }

    /// <summary>
    /// A copy of <paramref name="x"/> with the slices of <paramref name="source"/> added at the given positions along
    /// <paramref name="axis"/> (PyTorch's <c>index_add</c>): <c>y[…, indices[j], …] += source[…, j, …]</c>; repeated positions accumulate.
    /// </summary>
    /// <remarks><paramref name="source"/> has <paramref name="x"/>'s shape with <c>indices.Length</c> on <paramref name="axis"/>.</remarks>
    public static Tensor IndexAdd(this Tensor x, int axis, int[] indices, Tensor source, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.Any(x, source)) return Batching.IndexAdd(x, axis, indices, source);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(source);
        int a = x.Shape.NormalizeAxis(axis, "IndexAdd");
        Tensor.CheckSameDType("IndexAdd", x, source);
        var idx = CheckedIndices("IndexAdd", x.Shape, a, indices);
        var dims = x.Shape.ToArray();
        dims[a] = idx.Length;
        if (source.Shape != new Shape(dims))
            throw new ArgumentException($"IndexAdd: source shape {source.Shape} should be {new Shape(dims)} (the input's shape {x.Shape} with {idx.Length} on axis {axis}).");
        var y = x.Clone();
        var (outer, n, inner) = Reduce.Split(x.Shape.Dims, a);
        if (x.DType == DType.Float32) IndexKernels.AddBlocks<float>(source.F32, idx, y.F32, outer, n, inner);
        else IndexKernels.AddBlocks<double>(source.F64, idx, y.F64, outer, n, inner);
        return Recorder.Finish("IndexAdd", y, [x, source], g => [g, source.RequiresGrad ? g.IndexSelect(a, idx) : null], saved: []);
    }

    // A private copy of the indices (the rule reads them at backward time, after the caller may have reused the array),
    // each checked against the axis.
    private static int[] CheckedIndices(string op, Shape shape, int axis, int[] indices)
    {
        var idx = (int[])indices.Clone();
        int bad = IndexKernels.FirstOutOfRange(idx, shape[axis]);
        if (bad >= 0) throw new IndexOutOfRangeException($"{op}: index {idx[bad]} is out of range for axis {axis} of size {shape[axis]} (shape {shape}).");
        return idx;
    }

    /// <summary>The slices along <paramref name="axis"/> at the positions held in a 1-D index tensor (int64 or int32, or whole-number floats).</summary>
    public static Tensor IndexSelect(this Tensor x, int axis, Tensor indices, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (indices.Rank != 1) throw new ArgumentException($"IndexSelect: indices must be 1-D, got shape {indices.Shape}.");
        var y = x.IndexSelect(axis, ToIndices("IndexSelect", indices));
        // Note [Op traces]: described again with the index tensor, so an exporter reads indices computed from its input
        if (OpTrace.IsActive) OpTrace.Describe(y, "IndexSelect", [x, indices], ("axis", x.Shape.NormalizeAxis(axis, "IndexSelect")));
        return y;
    }

    // Class indices of a loss: each an integer in 0..numClasses − 1, named by the loss the user called (Losses).
    internal static void CheckClasses(string op, Tensor classes, int numClasses)
    {
        classes = Batching.Real(classes);   // a batched tensor's values are its real tensor's (Note [Batched tensors])
        if (numClasses <= 0) return;
        if (classes.DType == DType.Bool)
            throw new ArgumentException($"{op}: class indices are bool {classes.Shape}; pass int64 class indices.");
        for (int i = 0; i < classes.Size; i++)   // every value an integer first, as OneHot checks, then the range
            if (classes.GetFlat(i) is var v && (v != Math.Floor(v) || double.IsNaN(v)))
                throw new ArgumentException($"{op}: class index {v} at flat position {i} is not an integer.");
        for (int i = 0; i < classes.Size; i++)
            if (classes.GetFlat(i) is var v && (v < 0 || v >= numClasses))
                throw new IndexOutOfRangeException($"{op}: class {v} at flat position {i} is outside 0..{numClasses - 1}.");
    }

    // An index tensor's values as ints: int64 and int32 (the primary path, as PyTorch's long indices), or a float tensor
    // whose every value is a whole number (the earlier convention, kept); a fraction or NaN, a bool tensor, or an int64
    // beyond the int range is an error naming the op (Note [Integer tensors] in Tensor.Convert.cs). Ranges are the caller's.
    /// <summary>
    /// The rows of <paramref name="weight"/> (n, dim) picked by <paramref name="ids"/>, shaped <c>ids shape + (dim)</c>: F.Embedding's op,
    /// with its batching rule (Note [Batched tensors] in Ops/Batching.cs).
    /// </summary>
    internal static Tensor Embedding(Tensor ids, Tensor weight)
    {
        if (Batching.Any(ids, weight)) return BatchedEmbedding(ids, weight);
        var idx = ToIndices("Embedding", ids);
        CheckRows(idx, weight.Shape[0]);
        return weight.IndexSelect(0, idx).Reshape([.. ids.Shape.ToArray(), weight.Shape[1]]);
    }

    // Per-example ids into one table: the real ids pick rows of it. Per-example tables (a weight under Vmap(Grad)): the
    // tables stacked as rows of one (count·n, dim) table, example p's ids offset by p·n.
    private static Tensor BatchedEmbedding(Tensor ids, Tensor weight)
    {
        var u = Batching.Union(ids, weight);
        if (!Batching.IsOn(weight)) return Batching.Wrap(Embedding(Batching.Real(ids), weight), u);
        int n = weight.Shape[0], d = weight.Shape[1];
        Tensor?[] ops = [ids, weight];
        var wr = Batching.Expand(weight, u, ops);   // (batch…, n, dim)
        var ir = Batching.Expand(ids, u, ops);      // (batch…, ids…)
        int count = 1;
        for (int i = 0; i < u.Length; i++) count *= wr.Shape[i];
        var idx = ToIndices("Embedding", ir);
        CheckRows(idx, n);
        int per = ids.Size;
        for (int i = 0; i < idx.Length; i++) idx[i] += i / per * n;
        return Batching.Wrap(wr.Reshape(count * n, d).IndexSelect(0, idx).Reshape([.. ir.Shape.Dims, d]), u);
    }

    private static void CheckRows(int[] idx, int n)
    {
        foreach (var i in idx)
            if (i < 0 || i >= n)
                throw new IndexOutOfRangeException($"Embedding: index {i} is outside 0..{n - 1}.");
    }

    internal static int[] ToIndices(string op, Tensor t)
    {
        var r = new int[t.Size];
        if (t.DType == DType.Bool)
            throw new ArgumentException($"{Diagnostics.UserOp(op)}: the index tensor is bool {t.Shape}; indices are int64 or int32 (a mask selects with Where).");
        int bad = TryIndices(t, r);
        if (bad < 0) return r;
        if (t.DType == DType.Int64)
            throw new IndexOutOfRangeException($"{Diagnostics.UserOp(op)}: index {t.I64[bad]} at flat position {bad} is out of range.");
        throw new ArgumentException($"{Diagnostics.UserOp(op)}: index tensor holds {t.GetFlat(bad)} at flat position {bad}, which is not an integer (pass int64 indices, or whole-number floats).");
    }

    // The values of an index tensor as ints, without throwing: the flat position of the first that is not a whole number in
    // the int range (or of any element of a bool tensor), else −1.
    internal static int TryIndices(Tensor t, Span<int> r)
    {
        switch (t.DType)
        {
            case DType.Int32: t.I32.CopyTo(r); return -1;
            case DType.Int64:
                var s = t.I64;
                for (int i = 0; i < r.Length; i++)
                {
                    if (s[i] < int.MinValue || s[i] > int.MaxValue) return i;
                    r[i] = (int)s[i];
                }
                return -1;
            case DType.Bool: return r.Length > 0 ? 0 : -1;
            case DType.Float32: return IndexKernels.ToIndices<float>(t.F32, r);
            default: return IndexKernels.ToIndices<double>(t.F64, r);
        }
    }

    // For each element of `index`, the flat offset in a tensor of `shape` it points at along `axis`.
    private static int[] Positions(string op, Shape shape, int axis, Tensor index)
    {
        if (index.Rank != shape.Rank)
            throw new ArgumentException($"{op}: index has shape {index.Shape} but the input has shape {shape}; both must have the same rank.");
        for (int i = 0; i < shape.Rank; i++)
            if (i != axis && index.Shape[i] > shape[i])
                throw new ArgumentException($"{op}: index shape {index.Shape} is larger than input shape {shape} on axis {i}.");
        var idx = ToIndices(op, index);
        var offsets = new int[idx.Length];
        int bad = IndexKernels.AxisOffsets(idx, index.Shape.Dims, shape.Strides(), axis, shape[axis], offsets);
        if (bad >= 0)
            throw new IndexOutOfRangeException($"{op}: index {idx[bad]} is out of range for axis {axis} of size {shape[axis]} (shape {shape}).");
        return offsets;
    }

    private static (int Offset, int Length) GetOffsetAndLengthChecked(this Range r, int length, int axis, Shape shape)
    {
        try { return r.GetOffsetAndLength(length); }
        catch (ArgumentOutOfRangeException)
        {
            throw new ArgumentOutOfRangeException(nameof(r), $"Slice: range {r} is out of bounds for axis {axis} of size {length} (shape {shape}).");
        }
    }
}
