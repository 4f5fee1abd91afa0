using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    private static readonly OpCase[] ShapeRows =
    [
        new("Reshape", "Reshape(int[] with -1)",
            from s in Generators.Shape(0, 4)
            from target in Gen.Shuffle(s)
            from infer in Gen.Choose(-1, target.Length - 1)
            let dims = target.Select((d, i) => i == infer ? -1 : d).ToArray()
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].Reshape(dims), $"Reshape({string.Join(", ", dims)})", () => x.ToDoubleArray())),
        new("Reshape", "Reshape(Shape)",
            from s in Generators.Shape(1, 4)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].Reshape(new Shape(SizeOf(s))), "Reshape((n,))", () => x.ToDoubleArray())),
        new("Flatten", "Flatten(start, end)",
            from s in Generators.Shape(1, 4)
            from a in Gen.Choose(0, s.Length - 1)
            from b in Gen.Choose(a, s.Length - 1)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].Flatten(a, b), $"Flatten({a}, {b})", () => x.ToDoubleArray())),
        new("Flatten", "Flatten() of any rank", Unary(Wide, x => x.Flatten(), "Flatten()")),
        new("Squeeze", "Squeeze()", Unary(Wide, x => x.Squeeze(), "Squeeze()")),
        new("Squeeze", "Squeeze(axis)",
            from s in Generators.Shape(0, 3)
            from at in Gen.Choose(0, s.Length)
            let dims = s[..at].Append(1).Concat(s[at..]).ToArray()
            from neg in Generators.Bool
            from x in Generators.Tensor(dims, Wide)
            select new OpSample([x], xs => xs[0].Squeeze(neg ? at - dims.Length : at), $"Squeeze({at}) of {x.Shape}", () => x.ToDoubleArray())),
        new("Unsqueeze", "Unsqueeze(axis)",
            from s in Generators.Shape(0, 3)
            from at in Gen.Choose(-s.Length - 1, s.Length)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].Unsqueeze(at), $"Unsqueeze({at})", () => x.ToDoubleArray())),
        new("BroadcastTo", "BroadcastTo(shape)",
            from target in Generators.Shape(0, 4)
            from s in Generators.BroadcastableTo(target)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].BroadcastTo(new Shape(target)), $"BroadcastTo({new Shape(target)})",
                () => Enumerable.Range(0, SizeOf(target)).Select(k => x.ToDoubleArray()[BroadcastSource(s, target, k)]).ToArray())),
        new("SumTo", "SumTo(shape)",
            from s in Generators.Shape(0, 4)
            from target in Generators.BroadcastableTo(s)
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].SumTo(new Shape(target)), $"SumTo({new Shape(target)})", () =>
            {
                var y = new double[SizeOf(target)];
                var v = x.ToDoubleArray();
                for (int k = 0; k < v.Length; k++) y[BroadcastSource(target, s, k)] += v[k];
                return y;
            })),
        new("Transpose", "Transpose()",
            from s in Generators.Shape(0, 4)
            from x in Generators.Tensor(s, Wide)
            let perm = Enumerable.Range(0, s.Length).Select(i => s.Length >= 2 && i >= s.Length - 2 ? 2 * s.Length - 3 - i : i).ToArray()
            select new OpSample([x], xs => xs[0].Transpose(), "Transpose()", () => NaivePermute(x, perm))),
        new("Transpose", "Transpose(a, b)",
            from s in Generators.Shape(1, 4)
            from a in Generators.Axis(s.Length)
            from b in Generators.Axis(s.Length)
            from x in Generators.Tensor(s, Wide)
            let perm = Swap(s.Length, (a + s.Length) % s.Length, (b + s.Length) % s.Length)
            select new OpSample([x], xs => xs[0].Transpose(a, b), $"Transpose({a}, {b})", () => NaivePermute(x, perm))),
        new("Permute", "Permute(perm)",
            from s in Generators.Shape(0, 4)
            from perm in Gen.Shuffle(Enumerable.Range(0, s.Length))
            from x in Generators.Tensor(s, Wide)
            select new OpSample([x], xs => xs[0].Permute(perm), $"Permute({string.Join(", ", perm)})", () => NaivePermute(x, perm))),
    ];

    private static int[] Swap(int rank, int a, int b)
    {
        var p = Enumerable.Range(0, rank).ToArray();
        (p[a], p[b]) = (p[b], p[a]);
        return p;
    }

    /// <summary>The flat index in a tensor of shape <paramref name="from"/> that broadcasting reads for flat index <paramref name="k"/> of <paramref name="to"/>.</summary>
    internal static int BroadcastSource(int[] from, int[] to, int k)
    {
        int src = 0, stride = 1;
        for (int i = to.Length - 1, j = from.Length - 1; i >= 0; i--, j--)
        {
            int idx = k % to[i];
            k /= to[i];
            if (j >= 0)
            {
                if (from[j] != 1) src += idx * stride;
                stride *= from[j];
            }
        }
        return src;
    }

    /// <summary><c>y[i₀…] = x[…]</c> with output axis <c>t</c> reading input axis <c>perm[t]</c>.</summary>
    internal static double[] NaivePermute(Tensor x, int[] perm)
    {
        var dims = x.Shape.ToArray();
        var outDims = perm.Select(p => dims[p]).ToArray();
        var strides = x.Shape.Strides();
        var v = x.ToDoubleArray();
        var y = new double[v.Length];
        for (int k = 0; k < y.Length; k++)
        {
            int rest = k, src = 0;
            for (int t = outDims.Length - 1; t >= 0; t--) { src += rest % outDims[t] * strides[perm[t]]; rest /= outDims[t]; }
            y[k] = v[src];
        }
        return y;
    }
}
