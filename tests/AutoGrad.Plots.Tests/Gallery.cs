using AutoGrad.Metrics;

namespace AutoGrad.Plots.Tests;

// One of every chart, from fixed seeded data shaped like the examples' (the cases the hand-written SVG writer got wrong:
// a 3-epoch curve, long ROC legend entries, overlapping optimizer paths, ten long class names).
internal static class Gallery
{
    public static readonly string[] FashionClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static IReadOnlyList<(string Name, Figure Figure)> All() =>
    [
        ("learning-curves-3-epochs", ThreeEpochCurves()),
        ("learning-curves-10-series", TenCurves()),
        ("batch-curve", BatchCurve()),
        ("confusion-matrix", Confusion()),
        ("roc", Roc()),
        ("precision-recall", PrecisionRecall()),
        ("trajectories", Trajectories()),
        ("regression-fit", Fit()),
        ("residuals", Residuals()),
        ("gradient-norms", GradientNorms()),
        ("histograms", Histograms()),
    ];

    public static Figure ThreeEpochCurves() => Charts.LearningCurves(
        [new PlotSeries("training", [0.9, 0.52, 0.41]), new PlotSeries("validation", [0.8, 0.6, 0.58])], "Loss, 3 epochs");

    // Breast cancer's per-fold curves: ten legend entries, 60 epochs (sparse markers), names with ascenders in the first row.
    public static Figure TenCurves() => Charts.LearningCurves(
        [.. Enumerable.Range(1, 5).SelectMany(f => new[]
        {
            new PlotSeries($"fold {f} train", Enumerable.Range(1, 60).Select(e => 0.05 + 0.7 * Math.Exp(-e / (4.0 + f))).ToArray()),
            new PlotSeries($"fold {f} validation", Enumerable.Range(1, 60).Select(e => 0.07 + 0.6 * Math.Exp(-e / (5.0 + f))).ToArray()),
        })], "Breast cancer, binary cross-entropy per fold");

    public static Figure BatchCurve()
    {
        var rng = new Random(7);
        var loss = Enumerable.Range(1, 300).Select(t => 2.3 * Math.Exp(-t / 80.0) + 0.3 + 0.15 * (rng.NextDouble() - 0.5)).ToArray();
        return Charts.BatchCurve(loss);
    }

    public static ConfusionMatrix FashionMatrix()
    {
        var counts = new long[10, 10];
        var rng = new Random(3);
        for (int i = 0; i < 10; i++)
            for (int j = 0; j < 10; j++)
                counts[i, j] = i == j ? 700 + rng.Next(280) : rng.Next(4) == 0 ? rng.Next(120) : rng.Next(8);
        return new ConfusionMatrix(counts, FashionClasses);
    }

    public static Figure Confusion() => Charts.ConfusionMatrix(FashionMatrix(), "Fashion-MNIST test, MLP");

    // Scores of a good classifier: positives around 0.8, negatives around 0.2, some overlap.
    public static (double[] Scores, bool[] Positive) Scores(int seed, int n = 120)
    {
        var rng = new Random(seed);
        var positive = Enumerable.Range(0, n).Select(i => i % 3 == 0).ToArray();
        var scores = positive.Select(p => Math.Clamp((p ? 0.75 : 0.25) + 0.5 * (rng.NextDouble() - 0.5) + 0.3 * (rng.NextDouble() - 0.5), 0, 1)).ToArray();
        return (scores, positive);
    }

    public static Figure Roc()
    {
        var curves = new List<(string, RocCurve)>();
        var (ps, pp) = Scores(100, 600);
        curves.Add(("pooled", RocCurve.Compute(ps, pp)));
        for (int f = 1; f <= 5; f++)
        {
            var (s, p) = Scores(f);
            curves.Add(($"fold {f}", RocCurve.Compute(s, p)));
        }
        return Charts.Roc(curves, "Breast cancer, ROC (positive = malignant)");
    }

    public static Figure PrecisionRecall()
    {
        var (ps, pp) = Scores(100, 600);
        var (s1, p1) = Scores(1);
        return Charts.PrecisionRecall([("pooled", PrecisionRecallCurve.Compute(ps, pp)), ("fold 1", PrecisionRecallCurve.Compute(s1, p1))],
            "Breast cancer, precision-recall");
    }

    public static double Rosenbrock(double x, double y) => (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);

    // Plain heavy-ball descent on Rosenbrock: momentum 0 is SGD, whose path the others start along (the overlap to keep visible).
    public static List<(double X, double Y)> Descend(double eta, double momentum, int steps)
    {
        double x = -1.5, y = 2, vx = 0, vy = 0;
        var path = new List<(double, double)> { (x, y) };
        for (int i = 0; i < steps; i++)
        {
            double gx = -2 * (1 - x) - 400 * x * (y - x * x), gy = 200 * (y - x * x);
            vx = momentum * vx - eta * gx;
            vy = momentum * vy - eta * gy;
            x += vx;
            y += vy;
            path.Add((x, y));
        }
        return path;
    }

    public static IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> Paths() =>
    [
        ("SGD: 2.0e-1", Descend(0.001, 0, 2000)),
        ("momentum 0.9: 1.4e-8", Descend(0.001, 0.9, 2000)),
        ("Nesterov 0.9: 5.8e-9", Descend(0.001, 0.85, 2000)),
        ("RMSProp: 2.4e-2", Descend(0.0008, 0.5, 2000)),
        ("Adam: 1.7e-12", Descend(0.0012, 0.8, 2000)),
    ];

    public static Figure Trajectories() =>
        Charts.Trajectories(Rosenbrock, (-2, 2, -1, 3), Paths(), start: (-1.5, 2), minimum: (1, 1), title: "f(x, y) = (1 − x)² + 100(y − x²)², 2000 steps");

    public static (double[] X, double[] Y, double[] Grid, double[] Prediction, double[] Truth) Sine()
    {
        var rng = new Random(5);
        var x = Enumerable.Range(0, 200).Select(_ => rng.NextDouble()).ToArray();
        var y = x.Select(v => Math.Sin(2 * Math.PI * v) + 0.1 * (rng.NextDouble() + rng.NextDouble() - 1) * 1.7).ToArray();
        var grid = Enumerable.Range(0, 101).Select(i => i / 100.0).ToArray();
        return (x, y, grid, grid.Select(v => 0.95 * Math.Sin(2 * Math.PI * v) + 0.02).ToArray(), grid.Select(v => Math.Sin(2 * Math.PI * v)).ToArray());
    }

    public static Figure Fit()
    {
        var s = Sine();
        return Charts.RegressionFit(s.X, s.Y, s.Grid, s.Prediction, s.Truth, "Fitted sine");
    }

    public static Figure Residuals()
    {
        var s = Sine();
        return Charts.Residuals(s.X, s.X.Zip(s.Y).Select(p => p.Second - (0.95 * Math.Sin(2 * Math.PI * p.First) + 0.02)).ToArray());
    }

    public static Figure GradientNorms()
    {
        var steps = Enumerable.Range(1, 50).Select(i => 10.0 * i).ToArray();
        var layers = Enumerable.Range(0, 5).Select(l => ($"{2 * l} Linear", (IReadOnlyList<double>)steps.Select(s => Math.Pow(10, -1 - 1.3 * (4 - l)) * (1 + 0.3 * Math.Sin(s / 40))).ToArray())).ToArray();
        return Charts.GradientNorms(steps, layers, "Gradient norm per layer, sigmoid");
    }

    public static Figure Histograms()
    {
        var rng = new Random(9);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        return Charts.Histograms(
        [
            ("0.weight", Enumerable.Range(0, 4000).Select(_ => 0.05 * Normal()).ToArray()),
            ("2.weight", Enumerable.Range(0, 1500).Select(_ => 0.12 * Normal()).ToArray()),
            ("4.weight", Enumerable.Range(0, 300).Select(_ => 0.3 * Normal()).ToArray()),
        ], title: "Weights");
    }
}
