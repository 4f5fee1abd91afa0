using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    private static readonly OpCase[] ReductionRows =
    [
        new("Sum", "Sum()", AllElements(Wide, x => x.Sum(), "Sum()", v => v.Sum())),
        new("Sum", "Sum(axis, keepDims)", OneAxis(Wide, (x, a, k) => x.Sum(a, k), "Sum", v => v.Sum())),
        new("Sum", "Sum(axes, keepDims)", ManyAxes(Wide, (x, a, k) => x.Sum(a, k), "Sum", v => v.Sum())),
        new("Mean", "Mean()", AllElements(Wide, x => x.Mean(), "Mean()", v => v.Average())),
        new("Mean", "Mean(axis, keepDims)", OneAxis(Wide, (x, a, k) => x.Mean(a, k), "Mean", v => v.Average())),
        new("Mean", "Mean(axes, keepDims)", ManyAxes(Wide, (x, a, k) => x.Mean(a, k), "Mean", v => v.Average())),
        new("Var", "Var(axes, biased)", Spread((x, a, k) => x.Var(a, unbiased: false, keepDims: k), "Var biased", v => Variance(v, 0))),
        new("Var", "Var(axes, unbiased)", Spread((x, a, k) => x.Var(a, unbiased: true, keepDims: k), "Var unbiased", v => Variance(v, 1))),
        new("Var", "Var() all axes", AllElements(null, x => x.Var(), "Var()", v => Variance(v, 0), minSize: 2)),
        new("Std", "Std(axes, biased)", Spread((x, a, k) => x.Std(a, unbiased: false, keepDims: k), "Std biased", v => System.Math.Sqrt(Variance(v, 0)))),
        new("Std", "Std(axes, unbiased)", Spread((x, a, k) => x.Std(a, unbiased: true, keepDims: k), "Std unbiased", v => System.Math.Sqrt(Variance(v, 1)))),
        new("Max", "Max()", AllElements(null, x => x.Max(), "Max()", v => v.Max())),
        new("Max", "Max(axis, keepDims)", OneAxis(null, (x, a, k) => x.Max(a, k), "Max", v => v.Max())),
        new("Min", "Min()", AllElements(null, x => x.Min(), "Min()", v => v.Min())),
        new("Min", "Min(axis, keepDims)", OneAxis(null, (x, a, k) => x.Min(a, k), "Min", v => v.Min())),
        new("LogSumExp", "LogSumExp(axis, keepDims)",
            OneAxis(Wide, (x, a, k) => x.LogSumExp(a, k), "LogSumExp", v => System.Math.Log(v.Sum(System.Math.Exp)))) { ReferenceTolerance = 1e-12 },
        new("Softmax", "Softmax(axis)", OneAxis(Wide, (x, a, _) => x.Softmax(a), "Softmax", null)),
        new("LogSoftmax", "LogSoftmax(axis)", OneAxis(Wide, (x, a, _) => x.LogSoftmax(a), "LogSoftmax", null)),
    ];

    // A null domain means distinct values (no ties for Max/Min, variances well above 0).
    private static Gen<Tensor> Values(int[] shape, Domain? d) => d is null ? Generators.DistinctTensor(shape) : Generators.Tensor(shape, d);

    private static Gen<OpSample> AllElements(Domain? d, Func<Tensor, Tensor> f, string label, Func<double[], double> agg, int minSize = 1) =>
        from s in Generators.Shape(0, 4).Where(s => SizeOf(s) >= minSize)
        from x in Values(s, d)
        select new OpSample([x], xs => f(xs[0]), label, () => [agg(x.ToDoubleArray())]);

    private static Gen<OpSample> OneAxis(Domain? d, Func<Tensor, int, bool, Tensor> f, string name, Func<double[], double>? agg) =>
        from s in Generators.Shape(1, 4)
        from x in Values(s, d)
        from a in Generators.Axis(s.Length)
        from k in Generators.Bool
        select new OpSample([x], xs => f(xs[0], a, k), $"{name}(axis {a}, keepDims {k})",
            agg is null ? null : () => NaiveReduce(x, [a], agg));

    private static Gen<OpSample> ManyAxes(Domain? d, Func<Tensor, int[], bool, Tensor> f, string name, Func<double[], double> agg) =>
        from s in Generators.Shape(0, 4)
        from x in Values(s, d)
        from a in Generators.Axes(s.Length)
        from k in Generators.Bool
        select new OpSample([x], xs => f(xs[0], a, k), $"{name}(axes [{string.Join(", ", a)}], keepDims {k})", () => NaiveReduce(x, a, agg));

    // Var/Std: distinct values and at least two elements reduced per output, so the unbiased n − 1 and √ are safe.
    private static Gen<OpSample> Spread(Func<Tensor, int[], bool, Tensor> f, string name, Func<double[], double> agg) =>
        from sa in (from s in Generators.Shape(1, 4) from a in Generators.Axes(s.Length) select (s, a))
            .Where(p => p.a.Length > 0 && p.a.Aggregate(1, (n, ax) => n * p.s[(ax + p.s.Length) % p.s.Length]) >= 2)
        let s = sa.s
        let a = sa.a
        from x in Values(s, null)
        from k in Generators.Bool
        select new OpSample([x], xs => f(xs[0], a, k), $"{name}(axes [{string.Join(", ", a)}], keepDims {k})", () => NaiveReduce(x, a, agg));

    private static double Variance(double[] v, int ddof)
    {
        double mean = v.Average();
        return v.Sum(e => (e - mean) * (e - mean)) / (v.Length - ddof);
    }

    /// <summary>Reduces over <paramref name="axes"/> by grouping input elements by their output position, in row-major output order.</summary>
    internal static double[] NaiveReduce(Tensor x, int[] axes, Func<double[], double> agg)
    {
        var dims = x.Shape.ToArray();
        var reduced = axes.Select(a => (a + dims.Length) % dims.Length).ToHashSet();
        var groups = new SortedDictionary<int, List<double>>();
        var values = x.ToDoubleArray();
        for (int k = 0; k < values.Length; k++)
        {
            int rest = k, outFlat = 0, outStride = 1;
            for (int i = dims.Length - 1; i >= 0; i--)
            {
                int idx = rest % dims[i];
                rest /= dims[i];
                if (!reduced.Contains(i)) { outFlat += idx * outStride; outStride *= dims[i]; }
            }
            if (!groups.TryGetValue(outFlat, out var list)) groups[outFlat] = list = [];
            list.Add(values[k]);
        }
        return groups.Values.Select(g => agg([.. g])).ToArray();
    }
}
