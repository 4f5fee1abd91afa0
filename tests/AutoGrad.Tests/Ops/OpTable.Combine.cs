using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    private static readonly OpCase[] CombineRows =
    [
        new("Concat", "Concat(tensors, axis)",
            from s in Generators.Shape(1, 3)
            from a in Generators.Axis(s.Length)
            from lengths in Gen.ArrayOf(Gen.Choose(0, 3), 3).Select(l => l.Take(2 + l[2] % 2).ToArray())
            from parts in Gen.CollectToArray(lengths, l => Generators.Tensor(With(s, a, l), Wide))
            select new OpSample(parts, xs => CombineOps.Concat(xs, a), $"Concat(axis {a}, lengths [{string.Join(", ", lengths)}])",
                () => NaiveConcat(parts, (a + s.Length) % s.Length))),
        new("Stack", "Stack(tensors, axis)",
            from s in Generators.Shape(0, 3)
            from a in Gen.Choose(-s.Length - 1, s.Length)
            from n in Gen.Choose(1, 3)
            from parts in Gen.CollectToArray(Enumerable.Repeat(s, n), d => Generators.Tensor(d, Wide))
            let at = a < 0 ? a + s.Length + 1 : a
            select new OpSample(parts, xs => CombineOps.Stack(xs, a), $"Stack(axis {a}, {n} tensors)",
                () => NaiveConcat(parts.Select(p => p.Reshape([.. s[..at], 1, .. s[at..]])).ToArray(), at))),
        new("Split", "Split(int[] sizes, axis)",
            from s in Generators.Shape(1, 3)
            from a in Gen.Choose(0, s.Length - 1)
            from cut in Gen.Choose(0, s[a])
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => Weighted(xs[0].Split([cut, s[a] - cut], a), a), $"Split([{cut}, {s[a] - cut}], axis {a})",
                () => Weighted(x.Split([cut, s[a] - cut], a), a).ToDoubleArray())),
        new("Split", "Split(int size, axis)",
            from s in Generators.Shape(1, 3)
            from a in Generators.Axis(s.Length)
            from size in Gen.Choose(1, 3)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => Weighted(xs[0].Split(size, a), a), $"Split({size}, axis {a})")),
        new("Pad", "Pad(widths, value)",
            from s in Generators.Shape(0, 3)
            from widths in Gen.ArrayOf(from b in Gen.Choose(0, 2) from e in Gen.Choose(0, 2) select (b, e), s.Length)
            from value in Gen.Elements(0.0, -1.5)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].Pad(widths, value), $"Pad([{string.Join(", ", widths)}], {value})",
                () => NaivePad(x, widths, value))),
        new("Where", "Where(mask, a, b)",
            from full in Generators.Shape(0, 3)
            from sc in Generators.BroadcastableTo(full)
            from sa in Generators.BroadcastableTo(full)
            from sb in Generators.BroadcastableTo(full)
            from mask in Generators.Mask(sc)
            from a in Generators.Tensor(sa, Wide)
            from b in Generators.Tensor(sb, Wide)
            let shape = new Shape(sc).BroadcastWith(sa).BroadcastWith(sb)
            select new OpSample([a, b], xs => CombineOps.Where(mask, xs[0], xs[1]), $"Where(mask {mask.Shape})",
                () => Enumerable.Range(0, shape.Size).Select(k =>
                    mask.ToDoubleArray()[BroadcastSource(sc, shape.ToArray(), k)] != 0
                        ? a.ToDoubleArray()[BroadcastSource(sa, shape.ToArray(), k)]
                        : b.ToDoubleArray()[BroadcastSource(sb, shape.ToArray(), k)]).ToArray())),
    ];

    private static Shape BroadcastWith(this Shape a, int[] b) => Shape.Broadcast(a, new Shape(b), "test");

    private static int[] With(int[] s, int axis, int length)
    {
        var d = (int[])s.Clone();
        d[(axis + s.Length) % s.Length] = length;
        return d;
    }

    // Joins split parts back, part i scaled by i + 1, so a gradient routed to the wrong part shows.
    private static Tensor Weighted(Tensor[] parts, int axis) =>
        CombineOps.Concat(parts.Select((p, i) => p * (i + 1.0)).ToArray(), axis);

    private static double[] NaiveConcat(Tensor[] parts, int axis)
    {
        var dims = parts[0].Shape.ToArray();
        int outer = dims[..axis].Aggregate(1, (p, v) => p * v);
        var y = new List<double>();
        for (int o = 0; o < outer; o++)
            foreach (var t in parts)
            {
                int block = t.Size / outer;
                y.AddRange(t.ToDoubleArray().Skip(o * block).Take(block));
            }
        return [.. y];
    }

    private static double[] NaivePad(Tensor x, (int Before, int After)[] widths, double value)
    {
        var dims = x.Shape.ToArray();
        var outDims = dims.Select((d, i) => d + widths[i].Before + widths[i].After).ToArray();
        var y = new double[SizeOf(outDims)];
        var v = x.ToDoubleArray();
        for (int k = 0; k < y.Length; k++)
        {
            int rest = k, src = 0, stride = 1;
            bool inside = true;
            for (int i = outDims.Length - 1; i >= 0; i--)
            {
                int idx = rest % outDims[i] - widths[i].Before;
                rest /= outDims[i];
                inside &= idx >= 0 && idx < dims[i];
                src += idx * stride;
                stride *= dims[i];
            }
            y[k] = inside ? v[src] : value;
        }
        return y;
    }
}
