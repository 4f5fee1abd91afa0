namespace AutoGrad.Metrics;

/// <summary>
/// The four outcomes of a yes/no classification (or one class against the rest): true positives TP, false
/// negatives FN, false positives FP, true negatives TN, and the rates built from them.
/// </summary>
/// <remarks>A ratio whose denominator is 0 (e.g. precision with no positive predictions) is reported as 0, as scikit-learn does.</remarks>
/// <param name="TruePositives">TP: positives predicted positive.</param>
/// <param name="FalseNegatives">FN: positives predicted negative.</param>
/// <param name="FalsePositives">FP: negatives predicted positive.</param>
/// <param name="TrueNegatives">TN: negatives predicted negative.</param>
public readonly record struct BinaryCounts(long TruePositives, long FalseNegatives, long FalsePositives, long TrueNegatives)
{
    /// <summary>All examples, <c>TP + FN + FP + TN</c>.</summary>
    public long Total => TruePositives + FalseNegatives + FalsePositives + TrueNegatives;

    /// <summary>Support: the actual positives, <c>TP + FN</c>.</summary>
    public long Support => TruePositives + FalseNegatives;

    /// <summary>Accuracy <c>(TP + TN) / (TP + TN + FP + FN)</c>.</summary>
    public double Accuracy => Ratio(TruePositives + TrueNegatives, Total);

    /// <summary>Precision (positive predictive value) <c>TP / (TP + FP)</c>.</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>Recall <c>TP / (TP + FN)</c>; the same as TPR, sensitivity and completeness.</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>True positive rate <c>TPR = TP / (TP + FN)</c>.</summary>
    public double TruePositiveRate => Recall;

    /// <summary>False negative rate (miss rate) <c>FNR = FN / (TP + FN) = 1 − TPR</c>.</summary>
    public double FalseNegativeRate => Ratio(FalseNegatives, TruePositives + FalseNegatives);

    /// <summary>False positive rate <c>FPR = FP / (FP + TN) = 1 − TNR</c>.</summary>
    public double FalsePositiveRate => Ratio(FalsePositives, FalsePositives + TrueNegatives);

    /// <summary>True negative rate (specificity) <c>TNR = TN / (TN + FP)</c>.</summary>
    public double TrueNegativeRate => Ratio(TrueNegatives, FalsePositives + TrueNegatives);

    /// <summary>F1, the harmonic mean of precision and recall: <c>2·P·R / (P + R)</c>.</summary>
    public double F1 => FBeta(1);

    /// <summary>Completeness (astronomy's term) <c>TP / (TP + FN)</c>, i.e. recall.</summary>
    public double Completeness => Recall;

    /// <summary>Contamination (astronomy's term) <c>FP / (TP + FP)</c>, the false discovery rate.</summary>
    public double Contamination => Ratio(FalsePositives, TruePositives + FalsePositives);

    /// <summary>Efficiency or purity (astronomy's terms) <c>1 − contamination = TP / (TP + FP)</c>, i.e. precision.</summary>
    public double Efficiency => Precision;

    /// <summary><c>F_β = (1 + β²)·P·R / (β²·P + R)</c>; β &gt; 1 weighs recall more, β &lt; 1 precision.</summary>
    /// <remarks>Some course notes print the factor as <c>(1+β)²</c>; the standard <c>1 + β²</c> is used here.</remarks>
    public double FBeta(double beta)
    {
        if (!(beta > 0)) throw new ArgumentOutOfRangeException(nameof(beta), $"FBeta: β must be positive, got {beta}.");
        double p = Precision, r = Recall, b2 = beta * beta;
        return b2 * p + r == 0 ? 0 : (1 + b2) * p * r / (b2 * p + r);
    }

    /// <summary>Element-wise sum of two sets of counts (used for micro averaging).</summary>
    public static BinaryCounts operator +(BinaryCounts a, BinaryCounts b) =>
        new(a.TruePositives + b.TruePositives, a.FalseNegatives + b.FalseNegatives, a.FalsePositives + b.FalsePositives, a.TrueNegatives + b.TrueNegatives);

    private static double Ratio(long a, long b) => b == 0 ? 0 : (double)a / b;
}
