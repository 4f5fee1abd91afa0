using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;

namespace AutoGrad;

/// <summary>Ops that change how values are arranged: reshape, squeeze, broadcast, transpose, permute.</summary>
public static partial class ShapeOps
{
    /// <summary>The same values in a new shape with as many elements; one dimension may be −1 (inferred).</summary>
    public static Tensor Reshape(this Tensor x, int[] shape, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var target = InferShape("Reshape", x.Shape, shape);
        if (target == x.Shape) return x;
        var y = new Tensor(x.Storage, target, x.DType);   // shares the buffer: contiguous row-major either way
        var inShape = x.Shape;
        return Recorder.Finish("Reshape", y, [x], g => [g.Reshape(inShape.Dims)], saved: []);
    }

    /// <summary>The same values in the given shape.</summary>
    public static Tensor Reshape(this Tensor x, Shape shape, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Reshape(shape.Dims);
    }

    /// <summary>Merges axes <paramref name="startAxis"/>..<paramref name="endAxis"/> into one.</summary>
    public static Tensor Flatten(this Tensor x, int startAxis = 0, int endAxis = -1, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (x.Rank == 0) return x.Reshape(1);
        int s = x.Shape.NormalizeAxis(startAxis, "Flatten"), e = x.Shape.NormalizeAxis(endAxis, "Flatten");
        if (s > e) throw new ArgumentException($"Flatten: startAxis {startAxis} comes after endAxis {endAxis} for shape {x.Shape}.");
        var d = x.Shape.Dims;
        var dims = new List<int>(d[..s]) { d[s..(e + 1)].Aggregate(1, (p, v) => p * v) };
        dims.AddRange(d[(e + 1)..]);
        return x.Reshape([.. dims]);
    }

    /// <summary>Removes all axes of size 1, or only <paramref name="axis"/> (which must have size 1).</summary>
    public static Tensor Squeeze(this Tensor x, int? axis = null, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (axis is int a)
        {
            int n = x.Shape.NormalizeAxis(a, "Squeeze");
            if (x.Shape[n] != 1) throw new ArgumentException($"Squeeze: axis {a} of shape {x.Shape} has size {x.Shape[n]}, not 1.");
            return x.Reshape([.. x.Shape.Dims[..n], .. x.Shape.Dims[(n + 1)..]]);
        }
        return x.Reshape(x.Shape.Dims.Where(d => d != 1).ToArray());
    }

    /// <summary>Inserts an axis of size 1 at <paramref name="axis"/> (in <c>[−r−1, r]</c>).</summary>
    public static Tensor Unsqueeze(this Tensor x, int axis, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        int n = Shape.NormalizeAxis(axis, x.Rank + 1, "Unsqueeze", x.Shape);
        return x.Reshape([.. x.Shape.Dims[..n], 1, .. x.Shape.Dims[n..]]);
    }

    /// <summary>Repeats values along axes of size 1 (and new leading axes) to reach <paramref name="shape"/>.</summary>
    public static Tensor BroadcastTo(this Tensor x, Shape shape, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (x.Shape == shape) return x;
        if (!x.Shape.CanBroadcastTo(shape))
            throw new ArgumentException($"BroadcastTo: shape {x.Shape} cannot be broadcast to {shape}: aligned from the right, each dimension must equal the target's or be 1.");
        var inShape = x.Shape;
        return Recorder.Finish("BroadcastTo", Dispatch.Expand(x, shape), [x], g => [g.SumTo(inShape)], saved: []);
    }

    /// <summary>Sums over the axes that broadcasting to this tensor's shape from <paramref name="shape"/> would repeat: the adjoint of <see cref="BroadcastTo"/>.</summary>
    public static Tensor SumTo(this Tensor x, Shape shape, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (x.Shape == shape) return x;
        if (!shape.CanBroadcastTo(x.Shape))
            throw new ArgumentException($"SumTo: shape {x.Shape} cannot be summed down to {shape}: {shape} does not broadcast to {x.Shape}.");
        int lead = x.Rank - shape.Rank;
        var dims = x.Shape.Dims;
        // Summed axes that are exactly the leading ones (a bias's gradient [batch, out] → [out]) are one pass over the
        // buffer as [n, inner], recorded as one op; see Note [Unrecorded ops] in Recorder.cs.
        int prefix = 0;
        while (prefix < x.Rank && (prefix < lead || (shape.Dims[prefix - lead] == 1 && dims[prefix] != 1))) prefix++;
        bool leading = true;
        for (int i = prefix; i < x.Rank && leading; i++) leading = shape.Dims[i - lead] == dims[i];
        if (leading)
        {
            var y = Tensor.Uninitialized(shape, x.DType);
            int inner = shape.Size, n = inner == 0 ? 0 : x.Size / inner;
            if (x.DType == DType.Float32) Kernels.Reduce.Sum<float>(x.F32, y.F32, 1, n, inner);
            else Kernels.Reduce.Sum<double>(x.F64, y.F64, 1, n, inner);
            return Recorder.Finish("SumTo", y, x, null, null, x.Shape, static s => SumToRule(s), saved: []);
        }
        var axes = new List<int>();
        for (int i = 0; i < x.Rank; i++)
            if (i < lead || (shape.Dims[i - lead] == 1 && dims[i] != 1)) axes.Add(i);
        return x.Sum([.. axes], keepDims: true).Reshape(shape);
    }

    private static BackwardRule SumToRule(Shape inShape) => g => [g.BroadcastTo(inShape)];

    /// <summary>Swaps two axes (the last two by default): <c>yᵀ</c> for a matrix.</summary>
    public static Tensor Transpose(this Tensor x, int axis0 = -2, int axis1 = -1, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (x.Rank < 2 && axis0 == -2 && axis1 == -1) return x;
        int a = x.Shape.NormalizeAxis(axis0, "Transpose"), b = x.Shape.NormalizeAxis(axis1, "Transpose");
        var perm = Enumerable.Range(0, x.Rank).ToArray();
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return x.Permute(perm);
    }

    /// <summary>Reorders axes: output axis <c>i</c> is input axis <c>perm[i]</c>.</summary>
    public static Tensor Permute(this Tensor x, int[] perm, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        ArgumentNullException.ThrowIfNull(perm);
        if (perm.Length != x.Rank)
            throw new ArgumentException($"Permute: {perm.Length} axes given for shape {x.Shape} of rank {x.Rank}.");
        var p = perm.Select(a => x.Shape.NormalizeAxis(a, "Permute")).ToArray();
        if (p.Distinct().Count() != p.Length) throw new ArgumentException($"Permute: axes ({string.Join(", ", perm)}) repeat an axis.");
        if (p.Select((v, i) => v == i).All(t => t)) return x;
        var shape = new Shape(p.Select(a => x.Shape.Dims[a]).ToArray());
        return x.AsStrided(shape, Kernels.Strided.PermutedStrides(x.Shape.Dims, p), 0, "Permute");
    }

    internal static Shape InferShape(string op, Shape from, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int infer = -1;
        long known = 1;   // 64-bit, so a product that wraps cannot pass for a valid count
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: only one dimension may be -1, got ({string.Join(", ", shape)}).");
                infer = i;
            }
            else if (shape[i] < 0) throw new ArgumentException($"{op}: dimension {shape[i]} is negative in ({string.Join(", ", shape)}).");
            else known = Math.Min(known * shape[i], (long)Shape.MaxElements + 1);
        }
        var dims = (int[])shape.Clone();
        if (infer >= 0)
        {
            if (known == 0 || from.Size % known != 0)
                throw new ArgumentException($"{op}: cannot infer the -1 in ({string.Join(", ", shape)}) for {from.Size} elements of shape {from}.");
            dims[infer] = (int)(from.Size / known);
        }
        if (Shape.TooBig(dims)) throw Shape.TooLarge(dims, op, $"reshaping {from} to ");
        var s = new Shape(dims);
        if (s.Size != from.Size)
            throw new ArgumentException($"{op}: shape {from} ({from.Size} elements) cannot become {s} ({s.Size} elements).");
        return s;
    }
}
