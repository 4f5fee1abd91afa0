using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>Ops that join, split, pad or select between tensors.</summary>
public static class CombineOps
{
    /// <summary>Joins tensors of equal shape except along <paramref name="axis"/>.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (tensors is not null && tensors.Any(Batching.IsOn)) return Batching.Concat(tensors, axis);
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Concat: no tensors given.");
        var first = tensors[0];
        int a = first.Shape.NormalizeAxis(axis, "Concat");
        long total = 0;   // 64-bit: the lengths of two large tensors can sum past int.MaxValue
        foreach (var t in tensors)
        {
            Tensor.CheckSameDType("Concat", first, t);
            bool ok = t.Rank == first.Rank;
            for (int i = 0; ok && i < t.Rank; i++) ok = i == a || t.Shape[i] == first.Shape[i];
            if (!ok) throw new ArgumentException($"Concat: shapes {first.Shape} and {t.Shape} differ outside axis {axis}.");
            total += t.Shape[a];
        }
        var dims = first.Shape.ToArray();
        if (total > Shape.MaxElements)
            throw new ArgumentException($"Concat: axis {axis} would be {total:N0} long, more than the {Shape.MaxElements:N0} elements a tensor can hold.");
        int length = (int)total;
        dims[a] = length;
        if (Shape.TooBig(dims)) throw Shape.TooLarge(dims, "Concat", $"joining along axis {axis} into ");
        var y = Tensor.Empty(Shape.Wrap(dims), first.DType);
        var (outer, _, inner) = Reduce.Split(dims, a);
        int start = 0;
        foreach (var t in tensors)
        {
            int block = t.Shape[a] * inner;
            for (int o = 0; o < outer; o++)
            {
                t.CopyBlockTo(o * block, y, o * length * inner + start * inner, block);   // any dtype
            }
            start += t.Shape[a];
        }
        var sizes = tensors.Select(t => t.Shape[a]).ToArray();
        return Recorder.Finish("Concat", y, [.. tensors], g =>
        {
            var parts = new Tensor?[sizes.Length];
            int s = 0;
            for (int i = 0; i < sizes.Length; i++) { parts[i] = tensors[i].RequiresGrad ? g.Slice(a, s, s + sizes[i]) : null; s += sizes[i]; }
            return parts;
        }, saved: []);
    }

    /// <summary>Stacks tensors of equal shape along a new axis <paramref name="axis"/>.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Stack: no tensors given.");
        foreach (var t in tensors)
            if (t.Shape != tensors[0].Shape) throw new ArgumentException($"Stack: shapes {tensors[0].Shape} and {t.Shape} differ.");
        int a = Shape.NormalizeAxis(axis, tensors[0].Rank + 1, "Stack", tensors[0].Shape);
        return Concat(tensors.Select(t => t.Unsqueeze(a)).ToArray(), a);
    }

    /// <summary>Splits along <paramref name="axis"/> into consecutive parts of the given sizes (which must add up to the axis length).</summary>
    public static Tensor[] Split(this Tensor x, int[] sizes, int axis = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        ArgumentNullException.ThrowIfNull(sizes);
        int a = x.Shape.NormalizeAxis(axis, "Split");
        if (sizes.Any(s => s < 0) || sizes.Sum() != x.Shape[a])
            throw new ArgumentException($"Split: sizes ({string.Join(", ", sizes)}) must be ≥ 0 and add up to {x.Shape[a]}, the length of axis {axis} of shape {x.Shape}.");
        var parts = new Tensor[sizes.Length];
        for (int i = 0, s = 0; i < sizes.Length; s += sizes[i], i++) parts[i] = x.Slice(a, s, s + sizes[i]);
        return parts;
    }

    /// <summary>Splits along <paramref name="axis"/> into parts of <paramref name="size"/> elements (the last may be shorter).</summary>
    public static Tensor[] Split(this Tensor x, int size, int axis = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (size <= 0) throw new ArgumentException($"Split: size must be positive, got {size}.");
        int d = x.Shape[axis];
        var sizes = Enumerable.Range(0, (d + size - 1) / size).Select(i => Math.Min(size, d - i * size)).ToArray();
        return x.Split(sizes, axis);
    }

    /// <summary>Pads with a constant: <paramref name="widths"/>[i] = (before, after) elements added on axis i, as in NumPy's <c>pad</c>.</summary>
    public static Tensor Pad(this Tensor x, (int Before, int After)[] widths, double value = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(x)) return Batching.Pad(x, widths, value);
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Length != x.Rank) throw new ArgumentException($"Pad: {widths.Length} (before, after) pairs given for shape {x.Shape} of rank {x.Rank}.");
        if (widths.Any(w => w.Before < 0 || w.After < 0)) throw new ArgumentException("Pad: widths must be ≥ 0.");
        var dims = x.Shape.Dims.Select((d, i) => d + widths[i].Before + widths[i].After).ToArray();
        var shape = new Shape(dims);
        var strides = shape.Strides();
        int offset = 0;
        for (int i = 0; i < dims.Length; i++) offset += widths[i].Before * strides[i];
        // Scatter x into zeros, then fill the border (found by scattering ones) with value. Writing the border instead of
        // adding value everywhere keeps an infinite pad value (−∞ for max pooling) from turning the interior into NaN.
        Tensor y;
        using (Recorder.NoGrad())
        {
            y = x.Detach().AsStridedScatter(shape, strides, offset, "Pad");
            if (value != 0)
            {
                var interior = Tensor.OnesLike(x).AsStridedScatter(shape, strides, offset, "Pad");
                for (int i = 0; i < y.Size; i++) if (interior.GetFlat(i) == 0) y.SetFlat(i, value);
            }
        }
        var inShape = x.Shape;
        var result = Recorder.Finish("Pad", y, [x], g => [g.AsStrided(inShape, strides, offset, "Pad")], saved: []);
        if (OpTrace.IsActive) OpTrace.Describe(result, "Pad", [x], ("widths", widths), ("value", value));   // Note [Op traces]
        return result;
    }

    /// <summary><c>y = cond ? a : b</c> element-wise, all three broadcast together.</summary>
    /// <remarks>
    /// <paramref name="condition"/> is read as bool (<c>≠ 0</c> for a numeric mask). <paramref name="a"/> and <paramref name="b"/>
    /// share a dtype, except that an integer or bool one is converted to the other's float dtype; integer results carry no gradient.
    /// </remarks>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.Any(condition, a, b)) return Batching.Ternary(condition, a, b, static (c, p, q) => Where(c, p, q));
        if (a.DType != b.DType) (a, b) = Dispatch.Promote("Where", a, b);
        var shape = Shape.Broadcast(Shape.Broadcast(condition.Shape, a.Shape, "Where"), b.Shape, "Where");
        var m = LogicalOps.AsBool(condition, shape).B8;
        var ea = a.Shape == shape ? a : Dispatch.Expand(a, shape);
        var eb = b.Shape == shape ? b : Dispatch.Expand(b, shape);
        var y = Tensor.Uninitialized(shape, a.DType);
        switch (a.DType)
        {
            case DType.Float32: Choose<float>(m, ea.F32, eb.F32, y.F32); break;
            case DType.Float64: Choose<double>(m, ea.F64, eb.F64, y.F64); break;
            case DType.Int32: Choose<int>(m, ea.I32, eb.I32, y.I32); break;
            case DType.Int64: Choose<long>(m, ea.I64, eb.I64, y.I64); break;
            default: Choose<bool>(m, ea.B8, eb.B8, y.B8); break;
        }
        if (OpTrace.IsActive) OpTrace.Describe(y, "Where", [condition, a, b]);   // the node lists a and b only (Note [Op traces])
        if (!a.DType.IsFloatingPoint()) return Recorder.Finish("Where", y, a, b);
        var mask = Tensor.Empty(shape, a.DType);
        for (int i = 0; i < m.Length; i++) if (m[i]) mask.SetFlat(i, 1);
        return Recorder.Finish("Where", y, [a, b], g => [a.RequiresGrad ? g * mask : null, b.RequiresGrad ? g * (1.0 - mask) : null]);
    }

    private static void Choose<T>(ReadOnlySpan<bool> m, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = m[i] ? a[i] : b[i];
    }

    /// <summary>One-hot rows: <c>y[…, c] = 1(indices[…] = c)</c> for classes <c>0 … numClasses−1</c>.</summary>
    /// <remarks>Integer indices give an int64 result, as PyTorch's <c>one_hot</c>; whole-number float indices give their own dtype.</remarks>
    [NoGradient]
    public static Tensor OneHot(this Tensor indices, int numClasses, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(indices)) return Batching.Unary(indices, numClasses, static (t, n) => t.OneHot(n));
        if (numClasses <= 0) throw new ArgumentException($"OneHot: numClasses must be positive, got {numClasses}.");
        var idx = IndexingOps.ToIndices("OneHot", indices);
        var y = Tensor.Empty(new Shape([.. indices.Shape.Dims, numClasses]), indices.DType.IsFloatingPoint() ? indices.DType : DType.Int64);
        for (int i = 0; i < idx.Length; i++)
        {
            if (idx[i] < 0 || idx[i] >= numClasses)
                throw new IndexOutOfRangeException($"OneHot: class {idx[i]} at flat position {i} is outside 0..{numClasses - 1}.");
            y.SetFlat(i * numClasses + idx[i], 1);
        }
        return Recorder.Finish("OneHot", y, indices);
    }
}
