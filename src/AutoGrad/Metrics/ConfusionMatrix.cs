using System.Globalization;
using System.Text;

namespace AutoGrad.Metrics;

/// <summary>
/// The confusion matrix of a k-class classifier: <c>C[i, j]</c> counts the examples of actual class <c>i</c>
/// predicted as class <c>j</c> (rows are truth, columns predictions, as in scikit-learn).
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;
    private readonly string[] _classNames;

    /// <summary>A matrix from counts <c>C[i, j]</c> (square, non-negative).</summary>
    public ConfusionMatrix(long[,] counts, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int k = counts.GetLength(0);
        if (k == 0 || counts.GetLength(1) != k)
            throw new ArgumentException($"ConfusionMatrix: counts must be a non-empty square matrix, got {counts.GetLength(0)}×{counts.GetLength(1)}.");
        foreach (var c in counts)
            if (c < 0) throw new ArgumentException($"ConfusionMatrix: count {c} is negative.");
        if (classNames is not null && classNames.Count != k)
            throw new ArgumentException($"ConfusionMatrix: {classNames.Count} class names for {k} classes.");
        _counts = (long[,])counts.Clone();
        _classNames = classNames?.ToArray() ?? Enumerable.Range(0, k).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Counts <c>C[i, j] = |{n : yₙ = i, ŷₙ = j}|</c> from actual and predicted class indices.</summary>
    public static ConfusionMatrix FromPredictions(IReadOnlyList<int> actual, IReadOnlyList<int> predicted, int classCount, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        if (actual.Count != predicted.Count)
            throw new ArgumentException($"ConfusionMatrix: {actual.Count} actual labels but {predicted.Count} predictions.");
        if (classCount < 1) throw new ArgumentOutOfRangeException(nameof(classCount), $"ConfusionMatrix: class count must be ≥ 1, got {classCount}.");
        var c = new long[classCount, classCount];
        for (int n = 0; n < actual.Count; n++)
        {
            if ((uint)actual[n] >= (uint)classCount || (uint)predicted[n] >= (uint)classCount)
                throw new ArgumentException($"ConfusionMatrix: example {n} has actual {actual[n]}, predicted {predicted[n]}, outside [0, {classCount}).");
            c[actual[n], predicted[n]]++;
        }
        return new ConfusionMatrix(c, classNames);
    }

    /// <summary>The matrix of argmax predictions <c>ŷₙ = argmax_j scores[n, j]</c> against actual labels.</summary>
    public static ConfusionMatrix FromScores(Tensor scores, IReadOnlyList<int> actual, IReadOnlyList<string>? classNames = null)
    {
        var predicted = ClassificationMetrics.Predictions(scores);
        return FromPredictions(actual, predicted, scores.Shape[1], classNames);
    }

    /// <summary>A 2×2 matrix with class 1 as the positive class: <c>[[TN, FP], [FN, TP]]</c>.</summary>
    public static ConfusionMatrix FromBinaryCounts(BinaryCounts counts, IReadOnlyList<string>? classNames = null) =>
        new(new long[,] { { counts.TrueNegatives, counts.FalsePositives }, { counts.FalseNegatives, counts.TruePositives } }, classNames ?? ["negative", "positive"]);

    /// <summary>The number of classes <c>k</c>.</summary>
    public int ClassCount => _classNames.Length;

    /// <summary>The class names, row and column order.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary><c>C[actual, predicted]</c>.</summary>
    public long this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>All examples, <c>Σ_ij C[i, j]</c>.</summary>
    public long Total
    {
        get { long t = 0; foreach (var c in _counts) t += c; return t; }
    }

    /// <summary>Multiclass accuracy <c>Σ_i C[i, i] / Σ_ij C[i, j]</c>.</summary>
    public double Accuracy
    {
        get
        {
            long diag = 0;
            for (int i = 0; i < ClassCount; i++) diag += _counts[i, i];
            return Total == 0 ? 0 : (double)diag / Total;
        }
    }

    /// <summary>Class <c>c</c> against the rest: TP = C[c,c], FN = row sum − TP, FP = column sum − TP, TN = the remainder.</summary>
    public BinaryCounts OneVsRest(int c)
    {
        if ((uint)c >= (uint)ClassCount) throw new ArgumentOutOfRangeException(nameof(c), $"ConfusionMatrix: class {c} is outside [0, {ClassCount}).");
        long row = 0, col = 0;
        for (int j = 0; j < ClassCount; j++) { row += _counts[c, j]; col += _counts[j, c]; }
        long tp = _counts[c, c];
        return new BinaryCounts(tp, row - tp, col - tp, Total - row - col + tp);
    }

    /// <summary>Support of class <c>c</c>: its actual examples, the row sum <c>Σ_j C[c, j]</c>.</summary>
    public long Support(int c) => OneVsRest(c).Support;

    /// <summary>Precision of class <c>c</c>, <c>C[c,c] / Σ_i C[i, c]</c> (its column).</summary>
    public double Precision(int c) => OneVsRest(c).Precision;

    /// <summary>Recall of class <c>c</c>, <c>C[c,c] / Σ_j C[c, j]</c> (its row).</summary>
    public double Recall(int c) => OneVsRest(c).Recall;

    /// <summary>F1 of class <c>c</c>, <c>2PR/(P + R)</c>.</summary>
    public double F1(int c) => OneVsRest(c).F1;

    /// <summary>A per-class metric combined over classes by macro, micro or support-weighted averaging.</summary>
    public double Average(Func<BinaryCounts, double> metric, Averaging averaging)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var perClass = Enumerable.Range(0, ClassCount).Select(OneVsRest).ToArray();
        return averaging switch
        {
            Averaging.Macro => perClass.Average(metric),
            Averaging.Micro => metric(perClass.Aggregate((a, b) => a + b)),
            Averaging.Weighted => perClass.Sum(b => b.Support) is var n and > 0 ? perClass.Sum(b => b.Support * metric(b)) / n : 0,
            _ => throw new ArgumentOutOfRangeException(nameof(averaging), averaging, "ConfusionMatrix: unknown averaging."),
        };
    }

    /// <summary>Averaged precision; micro precision equals micro recall for single-label data.</summary>
    public double Precision(Averaging averaging) => Average(b => b.Precision, averaging);

    /// <summary>Averaged recall.</summary>
    public double Recall(Averaging averaging) => Average(b => b.Recall, averaging);

    /// <summary>Averaged F1 (macro: mean of per-class F1; micro: F1 of the summed counts).</summary>
    public double F1(Averaging averaging) => Average(b => b.F1, averaging);

    /// <summary>Averaged <c>F_β</c>.</summary>
    public double FBeta(double beta, Averaging averaging) => Average(b => b.FBeta(beta), averaging);

    /// <summary>The counts as a float64 tensor <c>[k, k]</c>.</summary>
    public Tensor ToTensor()
    {
        var a = new double[ClassCount, ClassCount];
        for (int i = 0; i < ClassCount; i++)
            for (int j = 0; j < ClassCount; j++) a[i, j] = _counts[i, j];
        return Tensor.FromArray(a);
    }

    /// <summary>A text table of counts, then precision, recall, F1 and support per class with macro and weighted averages.</summary>
    public string Report()
    {
        var inv = CultureInfo.InvariantCulture;
        int w = Math.Max(9, _classNames.Max(n => n.Length) + 2);
        var sb = new StringBuilder();
        sb.Append("actual \\ predicted".PadRight(w));
        foreach (var n in _classNames) sb.Append(n.PadLeft(w));
        sb.AppendLine();
        for (int i = 0; i < ClassCount; i++)
        {
            sb.Append(_classNames[i].PadRight(w));
            for (int j = 0; j < ClassCount; j++) sb.Append(_counts[i, j].ToString(inv).PadLeft(w));
            sb.AppendLine();
        }
        sb.AppendLine().AppendLine($"{"",-12}{"precision",10}{"recall",10}{"f1",10}{"support",10}");
        for (int c = 0; c < ClassCount; c++)
        {
            var b = OneVsRest(c);
            sb.AppendLine(string.Format(inv, "{0,-12}{1,10:F4}{2,10:F4}{3,10:F4}{4,10}", _classNames[c], b.Precision, b.Recall, b.F1, b.Support));
        }
        foreach (var (name, avg) in new[] { ("macro", Averaging.Macro), ("weighted", Averaging.Weighted) })
            sb.AppendLine(string.Format(inv, "{0,-12}{1,10:F4}{2,10:F4}{3,10:F4}{4,10}", name, Precision(avg), Recall(avg), F1(avg), Total));
        sb.AppendLine(string.Format(inv, "accuracy {0:F4}", Accuracy));
        return sb.ToString();
    }
}
