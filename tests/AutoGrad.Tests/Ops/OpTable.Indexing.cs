using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    private static readonly OpCase[] IndexingRows =
    [
        new("Slice", "Slice(axis, start, end, step)",
            from s in Generators.Shape(1, 4)
            from a in Generators.Axis(s.Length)
            let d = s[(a + s.Length) % s.Length]
            from start in Gen.Choose(-d, d)
            from end in Gen.Choose(-d, d + 1)
            from step in Gen.Choose(1, 3)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].Slice(a, start, end, step), $"Slice(axis {a}, {start}, {end}, step {step})",
                () => NaiveTake(x, a, SlicePositions(d, start, end, step)))),
        new("Slice", "Slice(params Range[])",
            from s in Generators.Shape(1, 4)
            from n in Gen.Choose(1, s.Length)
            from bounds in Gen.CollectToArray(s.Take(n), d => from i in Gen.Choose(0, d) from j in Gen.Choose(i, d) select (i, j))
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].Slice(bounds.Select(b => new Range(b.i, b.j)).ToArray()),
                $"Slice({string.Join(", ", bounds.Select(b => $"{b.i}..{b.j}"))})",
                () => bounds.Select((b, axis) => (b, axis)).Aggregate(x, (t, p) =>
                    Reshaped(NaiveTake(t, p.axis, Enumerable.Range(p.b.i, p.b.j - p.b.i).ToArray()), t.Shape.ToArray(), p.axis, p.b.j - p.b.i)).ToDoubleArray())),
        new("Select", "Select(axis, index)",
            from s in Generators.Shape(1, 4)
            from a in Generators.Axis(s.Length)
            let d = s[(a + s.Length) % s.Length]
            from i in Gen.Choose(-d, d - 1)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].Select(a, i), $"Select(axis {a}, {i})", () => NaiveTake(x, a, [i < 0 ? i + d : i]))),
        new("Gather", "Gather(axis, index)",
            from g in GatherShapes()
            from x in Generators.Tensor(g.X, Wide)
            from index in Generators.IndexTensor(g.Index, g.X[g.Axis])
            select new OpSample([x], xs => xs[0].Gather(g.Axis, index), $"Gather(axis {g.Axis}, index {index.Shape})",
                () => NaiveGather(x, g.Axis, index))),
        new("ScatterAdd", "ScatterAdd(axis, index, source)",
            from g in GatherShapes()
            from x in Generators.Tensor(g.X, Wide)
            from source in Generators.Tensor(g.Index, Wide)
            from index in Generators.IndexTensor(g.Index, g.X[g.Axis])
            select new OpSample([x, source], xs => xs[0].ScatterAdd(g.Axis, index, xs[1]), $"ScatterAdd(axis {g.Axis}, index {index.Shape})",
                () => NaiveScatterAdd(x, g.Axis, index, source))),
        new("IndexSelect", "IndexSelect(axis, int[])",
            from s in Generators.Shape(1, 3)
            from a in Gen.Choose(0, s.Length - 1)
            from n in Gen.Choose(0, 4)
            from idx in Gen.ArrayOf(Gen.Choose(0, s[a] - 1), n)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].IndexSelect(a, idx), $"IndexSelect(axis {a}, [{string.Join(", ", idx)}])", () => NaiveTake(x, a, idx))),
        new("IndexSelect", "IndexSelect(axis, Tensor)",
            from s in Generators.Shape(1, 3)
            from a in Gen.Choose(0, s.Length - 1)
            from n in Gen.Choose(1, 4)
            from idx in Gen.ArrayOf(Gen.Choose(0, s[a] - 1), n)
            from x in Generators.Tensor(s, Wide)
            let t = Tensor.FromArray(idx.Select(i => (double)i).ToArray())
            select new OpSample([x], xs => xs[0].IndexSelect(a, t), $"IndexSelect(axis {a}, tensor [{string.Join(", ", idx)}])", () => NaiveTake(x, a, idx))),
        new("IndexAdd", "IndexAdd(axis, int[], source)",
            from s in Generators.Shape(1, 3)
            from a in Gen.Choose(0, s.Length - 1)
            from n in Gen.Choose(0, 4)
            from idx in Gen.ArrayOf(Gen.Choose(0, s[a] - 1), n)
            from x in Generators.Tensor(s, Wide)
            from source in Generators.Tensor(s.Select((d, i) => i == a ? n : d).ToArray(), Wide)
            select new OpSample([x, source], xs => xs[0].IndexAdd(a, idx, xs[1]), $"IndexAdd(axis {a}, [{string.Join(", ", idx)}])",
                () => NaiveIndexAdd(x, a, idx, source))),
    ];

    // y = x, then y[o, idx[j], k] += source[o, j, k] in order of j (repeats accumulate).
    private static double[] NaiveIndexAdd(Tensor x, int axis, int[] idx, Tensor source)
    {
        var dims = x.Shape.ToArray();
        int outer = dims[..axis].Aggregate(1, (p, v) => p * v), inner = dims[(axis + 1)..].Aggregate(1, (p, v) => p * v);
        var y = x.ToDoubleArray();
        var src = source.ToDoubleArray();
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < idx.Length; j++)
                for (int k = 0; k < inner; k++) y[(o * dims[axis] + idx[j]) * inner + k] += src[(o * idx.Length + j) * inner + k];
        return y;
    }

    // Input shape, axis, and an index shape of the same rank no longer than the input off the axis.
    private static Gen<(int[] X, int Axis, int[] Index)> GatherShapes() =>
        from s in Generators.Shape(1, 3)
        from a in Gen.Choose(0, s.Length - 1)
        from dims in Gen.CollectToArray(s.Select((d, i) => i == a ? Gen.Choose(1, 4) : Gen.Choose(1, d)))
        select (s, a, dims);

    private static int[] SlicePositions(int d, int start, int end, int step)
    {
        int s = Math.Clamp(start < 0 ? start + d : start, 0, d), e = Math.Clamp(end < 0 ? end + d : end, 0, d);
        var p = new List<int>();
        for (int i = s; i < e; i += step) p.Add(i);
        return [.. p];
    }

    /// <summary>The slices of <paramref name="x"/> at <paramref name="positions"/> along <paramref name="axis"/>, row-major.</summary>
    internal static double[] NaiveTake(Tensor x, int axis, int[] positions)
    {
        var dims = x.Shape.ToArray();
        int a = (axis + dims.Length) % dims.Length;
        int outer = dims[..a].Aggregate(1, (p, v) => p * v), inner = dims[(a + 1)..].Aggregate(1, (p, v) => p * v);
        var v = x.ToDoubleArray();
        var y = new List<double>();
        for (int o = 0; o < outer; o++)
            foreach (var i in positions)
                for (int k = 0; k < inner; k++) y.Add(v[(o * dims[a] + i) * inner + k]);
        return [.. y];
    }

    private static Tensor Reshaped(double[] values, int[] dims, int axis, int length)
    {
        var d = (int[])dims.Clone();
        d[axis] = length;
        return Tensor.FromArray(values).Reshape(d);
    }

    private static double[] NaiveGather(Tensor x, int axis, Tensor index)
    {
        var strides = x.Shape.Strides();
        var idx = index.ToDoubleArray();
        var v = x.ToDoubleArray();
        var y = new double[idx.Length];
        for (int k = 0; k < idx.Length; k++) y[k] = v[Target(index.Shape.ToArray(), strides, axis, k, (int)idx[k])];
        return y;
    }

    private static double[] NaiveScatterAdd(Tensor x, int axis, Tensor index, Tensor source)
    {
        var strides = x.Shape.Strides();
        var idx = index.ToDoubleArray();
        var src = source.ToDoubleArray();
        var y = x.ToDoubleArray();
        for (int k = 0; k < idx.Length; k++) y[Target(index.Shape.ToArray(), strides, axis, k, (int)idx[k])] += src[k];
        return y;
    }

    // Flat offset in the input for element k of the index tensor: its own position with the axis coordinate replaced.
    private static int Target(int[] indexDims, int[] strides, int axis, int k, int value)
    {
        int off = 0;
        for (int i = indexDims.Length - 1; i >= 0; i--)
        {
            off += (i == axis ? value : k % indexDims[i]) * strides[i];
            k /= indexDims[i];
        }
        return off;
    }
}
