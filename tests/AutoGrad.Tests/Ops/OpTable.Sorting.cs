using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

// Sort and TopK values: distinct inputs (no ties, so the permutation, and with it the gradient, is locally constant), the
// reference sorts each line along the axis with LINQ.
public static partial class OpTable
{
    private static readonly OpCase[] SortingRows =
    [
        new("Sort", "Sort(axis, ascending)", Lines((x, a, _) => x.Sort(a).Values, "Sort ascending", desc: false, k: null)),
        new("Sort", "Sort(axis, descending)", Lines((x, a, _) => x.Sort(a, descending: true).Values, "Sort descending", desc: true, k: null)),
        new("TopK", "TopK(k, axis, largest)", Lines((x, a, k) => x.TopK(k, a).Values, "TopK largest", desc: true, k: true)),
        new("TopK", "TopK(k, axis, smallest)", Lines((x, a, k) => x.TopK(k, a, largest: false).Values, "TopK smallest", desc: false, k: true)),
    ];

    private static Gen<OpSample> Lines(Func<Tensor, int, int, Tensor> f, string name, bool desc, bool? k) =>
        from s in Generators.Shape(1, 4)
        from x in Generators.DistinctTensor(s)
        from a in Generators.Axis(s.Length)
        from kk in Gen.Choose(0, s[(a + s.Length) % s.Length])
        let n = k is null ? s[(a + s.Length) % s.Length] : kk
        select new OpSample([x], xs => f(xs[0], a, n), $"{name}(axis {a}, k {n})", () => SortedLines(x, a, desc, n));

    // The first k values of each line along `axis`, sorted, in row-major order of the result.
    internal static double[] SortedLines(Tensor x, int axis, bool descending, int k)
    {
        var dims = x.Shape.ToArray();
        int a = (axis + dims.Length) % dims.Length;
        int outer = dims.Take(a).Aggregate(1, (p, v) => p * v), n = dims[a], inner = dims.Skip(a + 1).Aggregate(1, (p, v) => p * v);
        var v = x.ToDoubleArray();
        var y = new double[outer * k * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                var line = Enumerable.Range(0, n).Select(j => v[o * n * inner + j * inner + i]);
                var sorted = (descending ? line.OrderByDescending(e => e) : line.OrderBy(e => e)).Take(k).ToArray();
                for (int j = 0; j < k; j++) y[o * k * inner + j * inner + i] = sorted[j];
            }
        return y;
    }
}
