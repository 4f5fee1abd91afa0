using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
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
        return x.AsStrided(new Shape(dims), strides, offset, "Slice");
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
        return x.AsStrided(new Shape(dims), strides.Where((_, k) => k != a).ToArray(), offset, "Select");
    }

    /// <summary>
    /// <c>y[…, i, …] = x[…, index[…, i, …], …]</c> along <paramref name="axis"/> (PyTorch's <c>gather</c>); <paramref name="index"/> has
    /// the input's rank, holds integer values, and its other axes may be no longer than the input's.
    /// </summary>
    public static Tensor Gather(this Tensor x, int axis, Tensor index, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        int a = x.Shape.NormalizeAxis(axis, "Gather");
        var (idx, offsets) = Positions("Gather", x.Shape, a, index);
        var y = Tensor.Empty(index.Shape, x.DType);
        for (int k = 0; k < idx.Length; k++) y.SetFlat(k, x.GetFlat(offsets[k]));
        var inShape = x.Shape;
        return Tape.RecordOp("Gather", y, [x], g => [Tensor.Zeros(inShape, g.DType).ScatterAdd(a, index, g)]);
    }

    /// <summary>
    /// A copy of <paramref name="x"/> with <paramref name="source"/> added at <c>[…, index[…, i, …], …]</c> along <paramref name="axis"/>
    /// (PyTorch's <c>scatter_add</c>); repeated indices accumulate.
    /// </summary>
    public static Tensor ScatterAdd(this Tensor x, int axis, Tensor index, Tensor source, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        int a = x.Shape.NormalizeAxis(axis, "ScatterAdd");
        Tensor.CheckSameDType("ScatterAdd", x, source);
        if (source.Shape != index.Shape)
            throw new ArgumentException($"ScatterAdd: source shape {source.Shape} differs from index shape {index.Shape}.");
        var (_, offsets) = Positions("ScatterAdd", x.Shape, a, index);
        var y = x.Clone();
        for (int k = 0; k < offsets.Length; k++) y.SetFlat(offsets[k], y.GetFlat(offsets[k]) + source.GetFlat(k));
        return Tape.RecordOp("ScatterAdd", y, [x, source], g => [g, source.RequiresGrad ? g.Gather(a, index) : null]);
    }

    /// <summary>The slices of <paramref name="x"/> at the given positions along <paramref name="axis"/>, in that order.</summary>
    public static Tensor IndexSelect(this Tensor x, int axis, int[] indices, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        ArgumentNullException.ThrowIfNull(indices);
        int a = x.Shape.NormalizeAxis(axis, "IndexSelect");
        int d = x.Shape[a];
        foreach (var i in indices)
            if (i < 0 || i >= d) throw new IndexOutOfRangeException($"IndexSelect: index {i} is out of range for axis {axis} of size {d} (shape {x.Shape}).");
        var dims = x.Shape.ToArray();
        dims[a] = indices.Length;
        var shape = new Shape(dims);
        var index = Tensor.Empty(shape, x.DType);
        var (outer, n, inner) = Reduce.Split(dims, a);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < n; j++)
                for (int i = 0; i < inner; i++) index.SetFlat((o * n + j) * inner + i, indices[j]);
        return x.Gather(a, index);
    }

    /// <summary>The slices along <paramref name="axis"/> at the positions held in a 1-D tensor of integer values.</summary>
    public static Tensor IndexSelect(this Tensor x, int axis, Tensor indices, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (indices.Rank != 1) throw new ArgumentException($"IndexSelect: indices must be 1-D, got shape {indices.Shape}.");
        return x.IndexSelect(axis, ToIndices("IndexSelect", indices));
    }

    internal static int[] ToIndices(string op, Tensor t)
    {
        var r = new int[t.Size];
        for (int i = 0; i < r.Length; i++)
        {
            double v = t.GetFlat(i);
            if (v != Math.Floor(v) || double.IsNaN(v) || Math.Abs(v) > int.MaxValue)
                throw new ArgumentException($"{op}: index tensor holds {v} at flat position {i}, which is not an integer.");
            r[i] = (int)v;
        }
        return r;
    }

    // For each element of `index`, the flat offset in a tensor of `shape` it points at along `axis`.
    private static (int[] Idx, int[] Offsets) Positions(string op, Shape shape, int axis, Tensor index)
    {
        if (index.Rank != shape.Rank)
            throw new ArgumentException($"{op}: index has shape {index.Shape} but the input has shape {shape}; both must have the same rank.");
        for (int i = 0; i < shape.Rank; i++)
            if (i != axis && index.Shape[i] > shape[i])
                throw new ArgumentException($"{op}: index shape {index.Shape} is larger than input shape {shape} on axis {i}.");
        var idx = ToIndices(op, index);
        var strides = shape.Strides();
        var offsets = new int[idx.Length];
        var pos = new int[index.Rank];
        for (int k = 0; k < idx.Length; k++)
        {
            int v = idx[k];
            if (v < 0 || v >= shape[axis])
                throw new IndexOutOfRangeException($"{op}: index {v} is out of range for axis {axis} of size {shape[axis]} (shape {shape}).");
            int off = 0;
            for (int i = 0; i < pos.Length; i++) off += (i == axis ? v : pos[i]) * strides[i];
            offsets[k] = off;
            for (int i = pos.Length - 1; i >= 0; i--) { if (++pos[i] < index.Shape[i]) break; pos[i] = 0; }
        }
        return (idx, offsets);
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
