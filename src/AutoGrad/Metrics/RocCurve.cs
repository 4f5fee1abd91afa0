namespace AutoGrad.Metrics;

/// <summary>
/// The receiver operating characteristic: the points (FPR(t), TPR(t)) of the rule "positive when score ≥ t"
/// for every distinct score t, from (0, 0) to (1, 1), and the area under it.
/// </summary>
public sealed class RocCurve
{
    private RocCurve(double[] fpr, double[] tpr, double[] thresholds)
    {
        (FalsePositiveRates, TruePositiveRates, Thresholds) = (fpr, tpr, thresholds);
        double area = 0;
        for (int i = 1; i < fpr.Length; i++) area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        Auc = area;
    }

    /// <summary>FPR at each threshold, non-decreasing, starting at 0 and ending at 1.</summary>
    public IReadOnlyList<double> FalsePositiveRates { get; }

    /// <summary>TPR at each threshold, non-decreasing, starting at 0 and ending at 1.</summary>
    public IReadOnlyList<double> TruePositiveRates { get; }

    /// <summary>The thresholds t, decreasing; the first is +∞ (nothing predicted positive).</summary>
    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>Area under the curve by the trapezoid rule, <c>Σ (FPRᵢ − FPRᵢ₋₁)(TPRᵢ + TPRᵢ₋₁)/2</c>; equals P(s₊ &gt; s₋) + ½P(s₊ = s₋).</summary>
    public double Auc { get; }

    /// <summary>The curve of scores (higher = more positive) against yes/no truth.</summary>
    /// <remarks>Tied scores share one threshold, so a tie between a positive and a negative gives a diagonal segment (half credit).</remarks>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, or one class is absent.</exception>
    public static RocCurve Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        if (scores.Count != positive.Count) throw new ArgumentException($"RocCurve: {scores.Count} scores but {positive.Count} labels.");
        if (scores.Any(double.IsNaN)) throw new ArgumentException("RocCurve: a score is NaN.");
        int p = positive.Count(b => b), n = positive.Count - p;
        if (p == 0 || n == 0) throw new ArgumentException($"RocCurve: needs both classes, got {p} positives and {n} negatives.");
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        List<double> fpr = [0], tpr = [0], thr = [double.PositiveInfinity];
        int tp = 0, fp = 0;
        for (int k = 0; k < order.Length; k++)
        {
            if (positive[order[k]]) tp++; else fp++;
            if (k + 1 < order.Length && scores[order[k + 1]] == scores[order[k]]) continue;   // finish the tie group first
            fpr.Add((double)fp / n); tpr.Add((double)tp / p); thr.Add(scores[order[k]]);
        }
        return new RocCurve(fpr.ToArray(), tpr.ToArray(), thr.ToArray());
    }

    /// <summary>The curve for class <paramref name="positiveClass"/> against the rest, scored by column <paramref name="positiveClass"/> of <paramref name="scores"/> <c>[n, k]</c>, or by a 1-D score vector.</summary>
    public static RocCurve Compute(Tensor scores, IReadOnlyList<int> actual, int positiveClass = 1)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(actual);
        var s = scores.Rank switch
        {
            1 => scores.ToDoubleArray(),
            2 => scores.Select(1, positiveClass).ToDoubleArray(),
            _ => throw new ArgumentException($"RocCurve: scores must be [n] or [n, k], got shape {scores.Shape}."),
        };
        return Compute(s, actual.Select(y => y == positiveClass).ToArray());
    }
}
