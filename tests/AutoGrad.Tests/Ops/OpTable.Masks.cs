using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

// Rows for the ops of attention and friends: Log1p, Expm1, Tril, Triu, MaskedFill, Cumsum, RepeatInterleave.
public static partial class OpTable
{
    private static readonly OpCase[] MaskRows =
    [
        Elementwise1("Log1p", "Log1p(x)", x => x.Log1p(), Extreme.ExtremeReferences.Log1pReference, Domain.Real(-0.9, 3))
            with { ReferenceTolerance = 1e-14, Derivative = v => 1 / (1 + v) },
        Elementwise1("Expm1", "Expm1(x)", x => x.Expm1(), Extreme.ExtremeReferences.Expm1Reference, Wide)
            with { ReferenceTolerance = 1e-13, Derivative = System.Math.Exp },
        new("Tril", "Tril(x, k)",
            from s in Generators.Shape(2, 4)
            from k in Gen.Choose(-3, 3)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].Tril(k), $"Tril(k {k})", () => NaiveTriangle(x, (i, j) => j - i <= k))),
        new("Triu", "Triu(x, k)",
            from s in Generators.Shape(2, 4)
            from k in Gen.Choose(-3, 3)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].Triu(k), $"Triu(k {k})", () => NaiveTriangle(x, (i, j) => j - i >= k))),
        new("MaskedFill", "MaskedFill(x, mask, value)",
            from s in Generators.Shape(0, 4)
            from ms in Generators.BroadcastableTo(s)
            from mask in Generators.Mask(ms)
            from value in Gen.Choose(-20, 20)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].MaskedFill(mask, value / 4.0), $"MaskedFill(mask {mask.Shape}, {value / 4.0})", () =>
            {
                var v = x.ToDoubleArray();
                var outDims = x.Shape.ToArray();
                var m = mask.ToDoubleArray();
                return [.. v.Select((e, i) => m[BroadcastSource(mask.Shape.ToArray(), outDims, i)] != 0 ? value / 4.0 : e)];
            })),
        new("Cumsum", "Cumsum(x, axis)",
            from s in Generators.Shape(1, 4)
            from a in Generators.Axis(s.Length)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].Cumsum(a), $"Cumsum(axis {a})", () => NaiveCumsum(x, (a + s.Length) % s.Length))),
        new("Cumsum", "Cumsum(scalar, 0)",
            from x in Generators.Tensor([], Wide)
            select new OpSample([x], xs => xs[0].Cumsum(0), "Cumsum(scalar)", () => x.ToDoubleArray())),
        new("RepeatInterleave", "RepeatInterleave(x, repeats, axis)",
            from s in Generators.Shape(1, 3)
            from a in Gen.Choose(0, s.Length - 1)
            from r in Gen.Choose(0, 3)
            from flat in Generators.Bool
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].RepeatInterleave(r, flat ? null : a), $"RepeatInterleave({r}, axis {(flat ? "null" : a)})",
                () => flat ? [.. x.ToDoubleArray().SelectMany(v => Enumerable.Repeat(v, r))]
                           : NaiveTake(x, a, [.. Enumerable.Range(0, s[a]).SelectMany(i => Enumerable.Repeat(i, r))]))),
        new("RepeatInterleave", "RepeatInterleave(x, int[] repeats, axis)",
            from s in Generators.Shape(1, 3)
            from a in Gen.Choose(0, s.Length - 1)
            from reps in Gen.ArrayOf(Gen.Choose(0, 3), s[a])
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].RepeatInterleave(reps, a), $"RepeatInterleave([{string.Join(", ", reps)}], axis {a})",
                () => NaiveTake(x, a, [.. Enumerable.Range(0, s[a]).SelectMany(i => Enumerable.Repeat(i, reps[i]))]))),
    ];

    private static double[] NaiveTriangle(Tensor x, Func<int, int, bool> keep)
    {
        var v = x.ToDoubleArray();
        int rows = x.Shape[-2], cols = x.Shape[-1];
        return [.. v.Select((e, f) => keep(f / cols % rows, f % cols) ? e : 0)];
    }

    private static double[] NaiveCumsum(Tensor x, int axis)
    {
        var dims = x.Shape.ToArray();
        int n = dims[axis], inner = dims.Skip(axis + 1).Aggregate(1, (p, d) => p * d);
        var v = x.ToDoubleArray();
        var y = new double[v.Length];
        for (int f = 0; f < v.Length; f++)
        {
            int i = f / inner % n;
            double s = 0;
            for (int j = 0; j <= i; j++) s += v[f - (i - j) * inner];
            y[f] = s;
        }
        return y;
    }
}
