using AutoGrad.NN;
using AutoGrad.Losses;
using static AutoGrad.Tests.Ops.Extreme.ExtremeReferences;

namespace AutoGrad.Tests.Ops.Extreme;

/// <summary>
/// An op over a whole row (softmax, reductions, losses, products), run on rows built from each extreme magnitude a:
/// <c>[a, a, a]</c>, <c>[a, 0, −a]</c>, <c>[−a, 1, 2]</c>, <c>[a, a/2, −a]</c>. <see cref="Gradient"/> gives the gradient of
/// <c>Σ seedᵢ·yᵢ</c> for the seed <see cref="ExtremeRowTable.Seed"/>.
/// </summary>
public sealed record RowExtreme(string Name, string Label, Func<Tensor, Tensor> Apply, Func<double[], double[]> Value, Func<double[], double[], double[]> Gradient)
{
    public double Ulps { get; init; } = 4;
    public double GradUlps { get; init; } = 8;
    /// <summary>Checks the value only when the reference's inputs allow it (e.g. a loss of a probability); null for all.</summary>
    public Func<double[], bool>? Domain { get; init; }
    /// <summary>Runs backward with <c>createGraph</c>, so rules that have a composed form (for second derivatives) run it.</summary>
    public bool CreateGraph { get; init; }
    /// <summary>
    /// Compares each output within <see cref="Ulps"/> of the largest input or reference value of the row rather than of itself: the
    /// bound a sum of rounded terms can promise (an output whose terms cancel to 0 is off by ulps of the terms, not of 0).
    /// </summary>
    public bool Normwise { get; init; }
    public override string ToString() => Label;
}

public static class ExtremeRowTable
{
    /// <summary>The seed of the backward pass, cut to the output's length.</summary>
    public static readonly double[] Seed = [1, -2, 0.5, 3, -1, 2, 0.25, -0.5, 1.5];

    public static double[][] Rows(DType dt) =>
        [.. ExtremeValues.Magnitudes(dt).SelectMany(a => new[] { new[] { a, a, a }, [a, 0, -a], [-a, 1, 2], [a, a / 2, -a] })
            .Select(r => r.Select(v => ExtremeValues.Round(v, dt)).ToArray())];

    private static double Max(double[] x) => x.Max();

    // e^{x − m} for m = max x, and their sum.
    private static (double[] E, double S) Shifted(double[] x)
    {
        double m = Max(x);
        var e = x.Select(v => Math.Exp(v - m)).ToArray();
        return (e, e.Sum());
    }

    private static double[] Softmax(double[] x)
    {
        var (e, s) = Shifted(x);
        return [.. e.Select(v => v / s)];
    }

    private static double[] LogSoftmax(double[] x)
    {
        double m = Max(x), ls = Math.Log(Shifted(x).S);
        return [.. x.Select(v => (v - m) - ls)];
    }

    // Exact at these rows: equal values are their own mean (Σx/n rounds 3e30/3 away from 1e30); the other rows sum exactly.
    private static double Mean(double[] x) => x.All(v => v == x[0]) ? x[0] : x.Sum() / x.Length;

    // Population standard deviation, scaled by the largest deviation so that neither 1e300² nor (1e-40)² leaves the range.
    private static double Std(double[] x)
    {
        double mu = Mean(x), s = x.Max(v => Math.Abs(v - mu));
        return s == 0 ? 0 : s * Math.Sqrt(x.Sum(v => (v - mu) / s * ((v - mu) / s)) / x.Length);
    }

    private static double[] OneHotFirst(double[] x, Func<double, double, bool> better)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++) if (better(x[i], x[best])) best = i;
        return [.. x.Select((_, i) => i == best ? 1.0 : 0.0)];
    }

    private static double[] RunningSums(double[] x)
    {
        var y = new double[x.Length];
        double s = 0;
        for (int i = 0; i < x.Length; i++) y[i] = s += x[i];
        return y;
    }

    private static double[] Scale(double[] v, double c) => [.. v.Select(e => e * c)];

    public static readonly RowExtreme[] Rows_ =
    [
        new("Softmax", "Softmax(x)", x => x.Softmax(), Softmax, (x, w) =>
        {
            var y = Softmax(x);
            double wy = y.Select((v, i) => v * w[i]).Sum();
            return [.. y.Select((v, i) => v * (w[i] - wy))];
        }),
        new("LogSoftmax", "LogSoftmax(x)", x => x.LogSoftmax(), LogSoftmax, (x, w) =>
        {
            var p = Softmax(x);
            double sw = w.Take(x.Length).Sum();
            return [.. x.Select((_, i) => w[i] - p[i] * sw)];
        }),
        new("LogSoftmax", "LogSoftmax(x) along axis 0", x => x.Reshape(-1, 1).LogSoftmax(0).Reshape(-1), LogSoftmax, (x, w) =>
        {
            var p = Softmax(x);
            double sw = w.Take(x.Length).Sum();
            return [.. x.Select((_, i) => w[i] - p[i] * sw)];
        }),
        new("LogSumExp", "LogSumExp(x)", x => x.LogSumExp(0), x => [Max(x) + Math.Log(Shifted(x).S)], (x, w) => Scale(Softmax(x), w[0])),
        new("Sum", "Sum(x)", x => x.Sum(), x => [x.Sum()], (x, w) => [.. x.Select(_ => w[0])]) { Normwise = true },
        new("Mean", "Mean(x)", x => x.Mean(), x => [Mean(x)], (x, w) => [.. x.Select(_ => w[0] / x.Length)]) { Normwise = true },
        new("Max", "Max(x)", x => x.Max(), x => [Max(x)], (x, w) => Scale(OneHotFirst(x, (a, b) => a > b), w[0])),
        new("Min", "Min(x)", x => x.Min(), x => [x.Min()], (x, w) => Scale(OneHotFirst(x, (a, b) => a < b), w[0])),
        new("Var", "Var(x)", x => x.Var(), x => [Std(x) * Std(x)], (x, w) => [.. x.Select(v => w[0] * 2 * (v - Mean(x)) / x.Length)]) { Normwise = true },
        new("Std", "Std(x)", x => x.Std(), x => [Std(x)], (x, w) => [.. x.Select(v => w[0] * (v - Mean(x)) / x.Length / Std(x))])
            { Domain = x => Std(x) > 0, Normwise = true },
        new("SoftmaxCrossEntropy", "SoftmaxCrossEntropy(z, class 0)",
            z => z.Reshape(1, -1).SoftmaxCrossEntropy(Tensor.Zeros(new Shape(1), z.DType)),
            z => [Math.Log(Shifted(z).S) - (z[0] - Max(z))],
            (z, w) => [.. Softmax(z).Select((p, i) => w[0] * (p - (i == 0 ? 1 : 0)))]),
        new("SoftmaxCrossEntropy", "SoftmaxCrossEntropy(z, one-hot 0) under createGraph",
            z => z.Reshape(1, -1).SoftmaxCrossEntropy(ExtremeValues.Make([1, 0, 0], z.DType, 1, 3)),
            z => [Math.Log(Shifted(z).S) - (z[0] - Max(z))],
            (z, w) => [.. Softmax(z).Select((p, i) => w[0] * (p - (i == 0 ? 1 : 0)))]) { CreateGraph = true },
        new("NllLoss", "NllLoss(LogSoftmax(z), class 0)",
            z => z.Reshape(1, -1).LogSoftmax(-1).NllLoss(Tensor.Zeros(new Shape(1), z.DType)),
            z => [Math.Log(Shifted(z).S) - (z[0] - Max(z))],
            (z, w) => [.. Softmax(z).Select((p, i) => w[0] * (p - (i == 0 ? 1 : 0)))]),
        new("BinaryCrossEntropyWithLogits", "BinaryCrossEntropyWithLogits(z, [1, 0, 0.5])",
            z => z.BinaryCrossEntropyWithLogits(ExtremeValues.Make([1, 0, 0.5], z.DType), Reduction.None),
            z => [.. z.Select((v, i) => Math.Max(v, 0) - v * new[] { 1, 0, 0.5 }[i] + Log1P(Math.Exp(-Math.Abs(v))))],
            (z, w) => [.. z.Select((v, i) => w[i] * (Sig(v) - new[] { 1, 0, 0.5 }[i]))]),
        new("MseLoss", "MseLoss(x, [1, 0, -1])", x => x.MseLoss(ExtremeValues.Make([1, 0, -1], x.DType), Reduction.None),
            x => [.. x.Select((v, i) => (v - (1 - i)) * (v - (1 - i)))], (x, w) => [.. x.Select((v, i) => w[i] * 2 * (v - (1 - i)))]),
        new("MaeLoss", "MaeLoss(x, [1, 0, -1])", x => x.MaeLoss(ExtremeValues.Make([1, 0, -1], x.DType), Reduction.None),
            x => [.. x.Select((v, i) => Math.Abs(v - (1 - i)))], (x, w) => [.. x.Select((v, i) => w[i] * Math.Sign(v - (1 - i)))]),
        new("HuberLoss", "HuberLoss(x, 0, δ = 1)", x => x.HuberLoss(Tensor.ZerosLike(x), 1, Reduction.None),
            x => [.. x.Select(v => Math.Abs(v) <= 1 ? 0.5 * v * v : Math.Abs(v) - 0.5)], (x, w) => [.. x.Select((v, i) => w[i] * Math.Clamp(v, -1, 1))]),
        new("QuadraticCost", "QuadraticCost(x, 0) of one row", x => x.Reshape(1, -1).QuadraticCost(Tensor.Zeros(new Shape(1, 3), x.DType)),
            x => [0.5 * x.Sum(v => v * v)], (x, w) => Scale(x, w[0])) { Normwise = true },
        new("Dot", "Dot(x, [1, 2, 3])", x => x.Dot(ExtremeValues.Make([1, 2, 3], x.DType)), x => [x[0] + 2 * x[1] + 3 * x[2]], (_, w) => [w[0], 2 * w[0], 3 * w[0]]) { Normwise = true },
        new("MatMul", "MatMul(x as 1×3, 3×2)", x => x.Reshape(1, 3).MatMul(ExtremeValues.Make([1, -1, 2, 0.5, 3, 0], x.DType, 3, 2)).Reshape(-1),
            x => [x[0] + 2 * x[1] + 3 * x[2], -x[0] + 0.5 * x[1]], (_, w) => [w[0] - w[1], 2 * w[0] + 0.5 * w[1], 3 * w[0]]) { Normwise = true },
        new("Outer", "Outer(x, [1, -2])", x => x.Outer(ExtremeValues.Make([1, -2], x.DType)).Reshape(-1),
            x => [.. x.SelectMany(v => new[] { v, -2 * v })], (x, w) => [.. x.Select((_, i) => w[2 * i] - 2 * w[2 * i + 1])]),
        new("Conv2d", "Conv2d(x as 1×1×1×3, W = [[2]], b = [−1])",
            x => x.Reshape(1, 1, 1, 3).Conv2d(ExtremeValues.Make([2], x.DType, 1, 1, 1, 1), ExtremeValues.Make([-1], x.DType)).Reshape(-1),
            x => [.. x.Select(v => 2 * v - 1)], (x, w) => [.. x.Select((_, i) => 2 * w[i])]),
        new("Cumsum", "Cumsum(x, 0)", x => x.Cumsum(0), RunningSums, (x, w) => [.. RunningSums([.. w.Take(x.Length).Reverse()]).Reverse()]) { Normwise = true },
        new("Maxout", "Maxout(x, 3)", x => x.Maxout(3), x => [Max(x)], (x, w) => Scale(OneHotFirst(x, (a, b) => a > b), w[0])),
    ];
}
