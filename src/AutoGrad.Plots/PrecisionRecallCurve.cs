namespace AutoGrad.Plots;

/// <summary>
/// The precision-recall curve of scores against binary labels: one point per distinct threshold, from the highest score
/// down, and the average precision <c>AP = Σₙ (Rₙ − Rₙ₋₁)·Pₙ</c> (the step-wise area, as scikit-learn computes it).
/// </summary>
public sealed class PrecisionRecallCurve
{
    private PrecisionRecallCurve(double[] recalls, double[] precisions, double[] thresholds, double averagePrecision, double positiveRate) =>
        (Recalls, Precisions, Thresholds, AveragePrecision, PositiveRate) = (recalls, precisions, thresholds, averagePrecision, positiveRate);

    /// <summary>Recall <c>TP / P</c> at each threshold, rising from 0 (the first point, precision 1 by convention) to 1.</summary>
    public IReadOnlyList<double> Recalls { get; }

    /// <summary>Precision <c>TP / (TP + FP)</c> at each threshold.</summary>
    public IReadOnlyList<double> Precisions { get; }

    /// <summary>The score threshold of each point (predict positive when score ≥ threshold); +∞ for the first point.</summary>
    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>Average precision, the step-wise area under the curve.</summary>
    public double AveragePrecision { get; }

    /// <summary>The fraction of positives, <c>P / n</c>: the precision of a classifier that guesses.</summary>
    public double PositiveRate { get; }

    /// <summary>Computes the curve of <paramref name="scores"/> (higher = more likely positive) against <paramref name="positive"/>.</summary>
    /// <exception cref="ArgumentException">The lists differ in length, a score is NaN, or there is no positive example.</exception>
    public static PrecisionRecallCurve Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        if (scores.Count != positive.Count)
            throw new ArgumentException($"PrecisionRecallCurve.Compute: {scores.Count} scores but {positive.Count} labels.");
        for (int i = 0; i < scores.Count; i++)
            if (double.IsNaN(scores[i])) throw new ArgumentException($"PrecisionRecallCurve.Compute: score {i} is NaN.");
        int p = positive.Count(b => b);
        if (p == 0) throw new ArgumentException("PrecisionRecallCurve.Compute: no positive example, so recall is undefined.");
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var recalls = new List<double> { 0 };
        var precisions = new List<double> { 1 };
        var thresholds = new List<double> { double.PositiveInfinity };
        double ap = 0;
        int tp = 0, fp = 0;
        for (int k = 0; k < order.Length;)
        {
            double t = scores[order[k]];
            for (; k < order.Length && scores[order[k]] == t; k++)   // tied scores cross the threshold together
                if (positive[order[k]]) tp++; else fp++;
            double r = (double)tp / p, pr = (double)tp / (tp + fp);
            ap += (r - recalls[^1]) * pr;
            recalls.Add(r);
            precisions.Add(pr);
            thresholds.Add(t);
        }
        return new PrecisionRecallCurve([.. recalls], [.. precisions], [.. thresholds], ap, (double)p / scores.Count);
    }
}
