using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    private static readonly OpCase[] LinearAlgebraRows =
    [
        MatMulRow("MatMul 1-D · 1-D", from k in Gen.Choose(1, 5) select (new[] { k }, new[] { k })),
        MatMulRow("MatMul 1-D · 2-D", from k in Gen.Choose(1, 5) from n in Gen.Choose(1, 4) select (new[] { k }, new[] { k, n })),
        MatMulRow("MatMul 2-D · 1-D", from m in Gen.Choose(1, 4) from k in Gen.Choose(1, 5) select (new[] { m, k }, new[] { k })),
        MatMulRow("MatMul 2-D · 2-D", from m in Gen.Choose(1, 4) from k in Gen.Choose(1, 5) from n in Gen.Choose(1, 4) select (new[] { m, k }, new[] { k, n })),
        MatMulRow("MatMul batched, broadcast batch axes",
            from batch in Generators.BroadcastPair(maxRank: 2, maxDim: 3)
            from m in Gen.Choose(1, 3) from k in Gen.Choose(1, 3) from n in Gen.Choose(1, 3)
            select (batch.A.Append(m).Append(k).ToArray(), batch.B.Append(k).Append(n).ToArray())),
        MatMulRow("MatMul 1-D · batched", from b in Gen.Choose(1, 3) from k in Gen.Choose(1, 4) from n in Gen.Choose(1, 3) select (new[] { k }, new[] { b, k, n })),
        MatMulRow("MatMul batched · 1-D", from b in Gen.Choose(1, 3) from m in Gen.Choose(1, 3) from k in Gen.Choose(1, 4) select (new[] { b, m, k }, new[] { k })),
        new("Dot", "Dot(a, b)",
            from n in Gen.Choose(1, 8)
            from a in Generators.Tensor([n], Wide)
            from b in Generators.Tensor([n], Wide)
            select new OpSample([a, b], xs => xs[0].Dot(xs[1]), "Dot", () => [a.ToDoubleArray().Zip(b.ToDoubleArray(), (p, q) => p * q).Sum()])),
        new("Outer", "Outer(a, b)",
            from m in Gen.Choose(1, 6)
            from n in Gen.Choose(1, 6)
            from a in Generators.Tensor([m], Wide)
            from b in Generators.Tensor([n], Wide)
            select new OpSample([a, b], xs => xs[0].Outer(xs[1]), "Outer",
                () => a.ToDoubleArray().SelectMany(p => b.ToDoubleArray().Select(q => p * q)).ToArray())),
    ];

    private static OpCase MatMulRow(string label, Gen<(int[] A, int[] B)> shapes) =>
        new("MatMul", label,
            from s in shapes
            from a in Generators.Tensor(s.A, Wide)
            from b in Generators.Tensor(s.B, Wide)
            select new OpSample([a, b], xs => xs[0].MatMul(xs[1]), $"MatMul {a.Shape}·{b.Shape}", () => NaiveMatMul(a, b)))
        { Float32Tolerance = 1e-5 };

    // NumPy's matmul semantics written out with loops: promote 1-D operands, broadcast batch axes, multiply, drop the promoted axes.
    internal static double[] NaiveMatMul(Tensor a, Tensor b)
    {
        var da = a.Rank == 1 ? new[] { 1, a.Shape[0] } : a.Shape.ToArray();
        var db = b.Rank == 1 ? new[] { b.Shape[0], 1 } : b.Shape.ToArray();
        int m = da[^2], k = da[^1], n = db[^1];
        var batch = Shape.Broadcast(new Shape(da[..^2]), new Shape(db[..^2]), "test").ToArray();
        var va = a.ToDoubleArray();
        var vb = b.ToDoubleArray();
        var y = new double[SizeOf(batch) * m * n];
        for (int t = 0; t < SizeOf(batch); t++)
        {
            int oa = BroadcastSource(da[..^2], batch, t) * m * k, ob = BroadcastSource(db[..^2], batch, t) * k * n;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += va[oa + i * k + p] * vb[ob + p * n + j];
                    y[(t * m + i) * n + j] = s;
                }
        }
        return y;
    }
}
