using AutoGrad.Metrics;

namespace Derivations;

/// <summary>
/// The notes' classifier statistics through the library's metrics: class 3 of a 10-class confusion matrix (002) and the
/// stars-and-quasars example (001).
/// </summary>
public static class ClassificationStatistics
{
    /// <summary>Runs the examples and records their checks.</summary>
    public static void Run(Checklist c)
    {
        ClassThree(c);
        StarsAndQuasars(c);
    }

    private static void ClassThree(Checklist c)
    {
        c.Section("Notes 002: class 3 of a 10-class confusion matrix, 10,000 examples (ConfusionMatrix.OneVsRest)");
        c.Note("The notes give c₃₃ = 990, row 3's other entries 3, 10, 3, 4 and column 3's 1, 4, 4, 3 (positions in a lost figure:");
        c.Note("ours are columns 2, 5, 8, 9 and rows 2, 5, 7, 8); the other 8,978 examples sit on the diagonal of the other classes.");
        var counts = new long[10, 10];
        counts[3, 3] = 990;
        (int Col, long N)[] rowThree = [(2, 3), (5, 10), (8, 3), (9, 4)];
        (int Row, long N)[] columnThree = [(2, 1), (5, 4), (7, 4), (8, 3)];
        foreach (var (col, k) in rowThree) counts[3, col] = k;
        foreach (var (row, k) in columnThree) counts[row, 3] = k;
        long rest = 10_000 - 990 - rowThree.Sum(e => e.N) - columnThree.Sum(e => e.N);
        int[] others = [0, 1, 2, 4, 5, 6, 7, 8, 9];
        for (int i = 0; i < others.Length; i++) counts[others[i], others[i]] = rest / others.Length + (i < rest % others.Length ? 1 : 0);
        var matrix = new ConfusionMatrix(counts);
        var three = matrix.OneVsRest(3);

        c.Check("total examples", 10_000, matrix.Total, 0);
        c.Check("TP", 990, three.TruePositives, 0);
        c.Check("FN", 20, three.FalseNegatives, 0);
        c.Check("FP", 12, three.FalsePositives, 0);
        c.Check("TN", 8_978, three.TrueNegatives, 0);
        c.Check("accuracy (3 vs not 3) = (TP + TN)/total", 0.9968, three.Accuracy, 1e-12);
        c.Check("precision₃ = TP/(TP + FP)", 0.9880, three.Precision, 5e-4);
        c.Check("recall₃ = TP/(TP + FN)", 0.9802, three.Recall, 5e-4);
        c.Check("FNR = FN/(TP + FN)", 0.0198, three.FalseNegativeRate, 5e-4);
        c.Check("FPR = FP/(TN + FP) (printed to 3 decimals)", 0.001, three.FalsePositiveRate, 1e-3);
        c.Check("TNR (printed to 3 decimals)", 0.999, three.TrueNegativeRate, 1e-3);
        c.Check("F1 = 2PR/(P + R)", 0.984, three.F1, 5e-4);
        c.Erratum("share of false positives among predicted 3s", "1.12%", three.Contamination,
            "FP/(TP + FP) = 12/1002 = 1.198% (catalog E22)");
        c.Note($"FPR = 12/8990 = {three.FalsePositiveRate:0.0000000} and TNR = {three.TrueNegativeRate:0.0000000}: the notes round to 3 decimals (E23).");

        c.Note("Second example (data in a lost figure): recall 66.6%, precision 100%; one consistent instance is TP = 2, FN = 1, FP = 0.");
        var small = new BinaryCounts(TruePositives: 2, FalseNegatives: 1, FalsePositives: 0, TrueNegatives: 7);
        c.Check("recall for 3 (66.6%)", 0.666, small.Recall, 1e-3);
        c.Check("precision for 3 (100%)", 1, small.Precision, 0);
    }

    private static void StarsAndQuasars(Checklist c)
    {
        c.Section("Notes 001: 100,000 stars and 1000 quasars; 900 quasars found, 1000 stars mistaken for quasars (BinaryCounts)");
        var q = new BinaryCounts(TruePositives: 900, FalseNegatives: 100, FalsePositives: 1000, TrueNegatives: 99_000);
        c.Check("true positive rate = completeness", 0.9, q.TruePositiveRate, 1e-15);
        c.Check("completeness", 0.9, q.Completeness, 1e-15);
        c.Check("false positive rate", 0.01, q.FalsePositiveRate, 1e-15);
        c.Check("contamination = FP/(TP + FP)", 0.53, q.Contamination, 5e-3);
        c.Note($"Contamination is 1000/1900 = {q.Contamination:0.000000}; efficiency (purity, precision) = 1 − contamination = {q.Efficiency:0.000000}.");
    }
}
