using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace AutoGrad.Tests.Ops;

/// <summary>Where an op's inputs are drawn from: a generator of doubles plus a name for reports.</summary>
public sealed record Domain(string Name, Gen<double> Values)
{
    private const int Steps = 1 << 20;

    /// <summary>Uniform on [low, high] (on a fine grid, which FsCheck can generate without floats).</summary>
    public static Domain Real(double low = -3, double high = 3) =>
        new($"[{low}, {high}]", Gen.Choose(0, Steps).Select(k => low + (high - low) * k / Steps));

    /// <summary>Uniform on [low, high] but at least <paramref name="margin"/> from each of <paramref name="points"/> (kinks, bounds, poles).</summary>
    public static Domain AwayFrom(double[] points, double margin, double low = -3, double high = 3) =>
        new($"[{low}, {high}] away from {string.Join("/", points)} by {margin}",
            Real(low, high).Values.Where(v => points.All(p => Math.Abs(v - p) >= margin)));

    /// <summary>
    /// Teeth of a comb: values in <c>[low + phase + k·period, … + width]</c>. Two combs with phases apart by half a period
    /// never come closer than <c>period/2 − width</c>, which keeps Maximum/Minimum operands away from ties.
    /// </summary>
    public static Domain Comb(double low, int teeth, double period, double phase, double width) =>
        new($"comb({low}+{phase}+k·{period}, width {width})",
            from k in Gen.Choose(0, teeth - 1)
            from u in Gen.Choose(0, Steps)
            select low + phase + k * period + width * u / Steps);
}

/// <summary>FsCheck generators for shapes, broadcast pairs and float64 tensors; every property runs from a fixed seed.</summary>
public static class Generators
{
    public const int MaxSize = 60;

    /// <summary>A deterministic configuration: <paramref name="maxTest"/> cases from a seed derived from <paramref name="name"/>.</summary>
    public static Config Config(int maxTest, string name)
    {
        ulong seed = 1469598103934665603UL;   // FNV-1a of the name: a stable seed per property and op
        foreach (char c in name) seed = (seed ^ c) * 1099511628211UL;
        return FsCheck.Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL | 1), FSharpOption<int>.None)));
    }

    /// <summary>Runs <paramref name="check"/> on <paramref name="maxTest"/> samples of <paramref name="gen"/>; FsCheck reports the failing sample.</summary>
    public static void ForAll<T>(Gen<T> gen, int maxTest, string name, Action<T> check) =>
        Check.One(Config(maxTest, name), Prop.ForAll(gen.ToArbitrary(), check));

    /// <summary>Dimensions with rank in [minRank, maxRank], each in [minDim, maxDim] (size-1 dims included), at most <see cref="MaxSize"/> elements.</summary>
    public static Gen<int[]> Shape(int minRank = 0, int maxRank = 4, int minDim = 1, int maxDim = 4, int maxSize = MaxSize) =>
        (from r in Gen.Choose(minRank, maxRank)
         from d in Gen.ArrayOf(Gen.Choose(minDim, maxDim), r)
         select d).Where(d => d.Aggregate(1, (p, v) => p * v) <= maxSize);

    /// <summary>
    /// Two shapes that broadcast together: a common shape, from which each operand keeps a suffix of the axes
    /// and turns some of the rest to 1.
    /// </summary>
    public static Gen<(int[] A, int[] B)> BroadcastPair(int maxRank = 4, int maxDim = 4) =>
        from full in Shape(0, maxRank, 1, maxDim)
        from a in Operand(full)
        from b in Operand(full)
        select (a, b);

    private static Gen<int[]> Operand(int[] full) =>
        from keep in Gen.Choose(0, full.Length)
        from ones in Gen.ArrayOf(Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true))), full.Length)
        select full[(full.Length - keep)..].Select((d, i) => ones[i] ? 1 : d).ToArray();

    /// <summary>A shape that broadcasts to <paramref name="target"/> (possibly with fewer leading axes).</summary>
    public static Gen<int[]> BroadcastableTo(int[] target) => Operand(target);

    /// <summary>A float64 tensor of the given shape with values from the domain.</summary>
    public static Gen<Tensor> Tensor(int[] shape, Domain domain) =>
        Gen.ArrayOf(domain.Values, shape.Aggregate(1, (p, v) => p * v)).Select(v => AutoGrad.Tensor.FromArray(v).ReshapeTo(shape));

    /// <summary>A float64 tensor of a generated shape.</summary>
    public static Gen<Tensor> Tensor(Domain domain, int minRank = 0, int maxRank = 4, int maxDim = 4) =>
        from s in Shape(minRank, maxRank, 1, maxDim)
        from t in Tensor(s, domain)
        select t;

    /// <summary>
    /// A float64 tensor whose values are pairwise at least 0.05 apart (a shuffled grid plus jitter), so Max/Min/ArgMax
    /// have no ties and variances are far from 0.
    /// </summary>
    public static Gen<Tensor> DistinctTensor(int[] shape, double low = -3)
    {
        int n = shape.Aggregate(1, (p, v) => p * v);
        var grid = Enumerable.Range(0, Math.Max(n, 1) * 2).Select(i => low + 0.1 * i).ToArray();
        return from order in Gen.Shuffle(grid)
               from jitter in Gen.ArrayOf(Gen.Choose(0, 1000), n)
               select AutoGrad.Tensor.FromArray(order.Take(n).Select((v, i) => v + 0.05 * jitter[i] / 1000).ToArray()).ReshapeTo(shape);
    }

    /// <summary>Integers in [0, bound) as a float64 tensor of the given shape (indices for Gather/ScatterAdd).</summary>
    public static Gen<Tensor> IndexTensor(int[] shape, int bound) =>
        Gen.ArrayOf(Gen.Choose(0, bound - 1), shape.Aggregate(1, (p, v) => p * v))
            .Select(v => AutoGrad.Tensor.FromArray(v.Select(i => (double)i).ToArray()).ReshapeTo(shape));

    /// <summary>A random 0/1 mask tensor of the given shape.</summary>
    public static Gen<Tensor> Mask(int[] shape) =>
        Gen.ArrayOf(Gen.Choose(0, 1), shape.Aggregate(1, (p, v) => p * v))
            .Select(v => AutoGrad.Tensor.FromArray(v.Select(i => (double)i).ToArray()).ReshapeTo(shape));

    public static Gen<bool> Bool => Gen.Elements(false, true);

    /// <summary>A distinct, unordered subset of the axes of a rank-<paramref name="rank"/> shape, each written positive or negative.</summary>
    public static Gen<int[]> Axes(int rank) =>
        from sub in Gen.SubListOf(Enumerable.Range(0, rank).ToArray())
        from shuffled in Gen.Shuffle(sub.ToArray())
        from neg in Gen.ArrayOf(Bool, sub.Count)
        select shuffled.Select((a, i) => neg[i] ? a - rank : a).ToArray();

    /// <summary>One axis of a rank-<paramref name="rank"/> shape (rank ≥ 1), positive or negative.</summary>
    public static Gen<int> Axis(int rank) =>
        from a in Gen.Choose(0, rank - 1)
        from neg in Bool
        select neg ? a - rank : a;

    // FromArray treats an empty shape as "1-D"; a rank-0 tensor needs an explicit reshape.
    private static Tensor ReshapeTo(this Tensor t, int[] shape)
    {
        using var _ = AutoGrad.Differentiation.Recorder.NoGrad();
        return t.Reshape(shape).Detach();
    }
}
