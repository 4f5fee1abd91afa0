using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

// The fixed-arity overloads that stand in for `params` arrays (Ops/ShapeOps.Arity.cs, Ops/IndexingOps.Arity.cs): each row
// calls the overload of the sampled rank, and expects what the array form gives.
public static partial class OpTable
{
    private static readonly OpCase[] ArityRows =
    [
        new("Reshape", "Reshape(d0, …, d5) fixed arity",
            from s in Generators.Shape(1, 6, 1, 2)
            from target in Gen.Shuffle(s)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => ReshapeArity(xs[0], target), $"Reshape({string.Join(", ", target)}) by arity", () => x.ToDoubleArray())),
        new("Permute", "Permute(p0, …, p5) fixed arity",
            from s in Generators.Shape(1, 6, 1, 2)
            from perm in Gen.Shuffle(Enumerable.Range(0, s.Length))
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => PermuteArity(xs[0], perm), $"Permute({string.Join(", ", perm)}) by arity", () => NaivePermute(x, perm))),
        new("Slice", "Slice(r0, …, r3) fixed arity",
            from s in Generators.Shape(1, 4)
            from n in Gen.Choose(1, s.Length)
            from bounds in Gen.CollectToArray(s.Take(n), d => from i in Gen.Choose(0, d) from j in Gen.Choose(i, d) select (i, j))
            from x in Generators.Tensor(s, Wide)
            let ranges = bounds.Select(b => new Range(b.i, b.j)).ToArray()
            select new OpSample([x], xs => SliceArity(xs[0], ranges), $"Slice({string.Join(", ", bounds.Select(b => $"{b.i}..{b.j}"))}) by arity",
                () => x.Slice(ranges).ToDoubleArray())),
    ];

    private static Tensor ReshapeArity(Tensor x, int[] d) => d.Length switch
    {
        1 => x.Reshape(d[0]),
        2 => x.Reshape(d[0], d[1]),
        3 => x.Reshape(d[0], d[1], d[2]),
        4 => x.Reshape(d[0], d[1], d[2], d[3]),
        5 => x.Reshape(d[0], d[1], d[2], d[3], d[4]),
        _ => x.Reshape(d[0], d[1], d[2], d[3], d[4], d[5]),
    };

    private static Tensor PermuteArity(Tensor x, int[] p) => p.Length switch
    {
        1 => x.Permute(p[0]),
        2 => x.Permute(p[0], p[1]),
        3 => x.Permute(p[0], p[1], p[2]),
        4 => x.Permute(p[0], p[1], p[2], p[3]),
        5 => x.Permute(p[0], p[1], p[2], p[3], p[4]),
        _ => x.Permute(p[0], p[1], p[2], p[3], p[4], p[5]),
    };

    private static Tensor SliceArity(Tensor x, Range[] r) => r.Length switch
    {
        1 => x.Slice(r[0]),
        2 => x.Slice(r[0], r[1]),
        3 => x.Slice(r[0], r[1], r[2]),
        _ => x.Slice(r[0], r[1], r[2], r[3]),
    };
}
