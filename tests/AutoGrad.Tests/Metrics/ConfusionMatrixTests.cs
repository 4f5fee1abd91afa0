using AutoGrad.Metrics;

namespace AutoGrad.Tests.Metrics;

public class ConfusionMatrixTests
{
    // A course-notes example: class "3" with TP 990, FN 20, FP 12, TN 8,978 of 10,000.
    private static readonly BinaryCounts Three = new(TruePositives: 990, FalseNegatives: 20, FalsePositives: 12, TrueNegatives: 8978);

    [Fact]
    public void Notes_002_class_3_statistics_match_to_printed_precision()
    {
        Assert.Equal(10000, Three.Total);
        Assert.Equal(0.9968, Math.Round(Three.Accuracy, 4));
        Assert.Equal(0.9880, Math.Round(Three.Precision, 4));
        Assert.Equal(0.9802, Math.Round(Three.Recall, 4));
        Assert.Equal(0.0198, Math.Round(Three.FalseNegativeRate, 4));
        Assert.Equal(0.984, Math.Round(Three.F1, 3));
        // Course notes print FPR 0.001 and TNR 0.999; exactly 12/8990 and 8978/8990.
        Assert.Equal(0.001, Math.Round(Three.FalsePositiveRate, 3));
        Assert.Equal(0.999, Math.Round(Three.TrueNegativeRate, 3));
        Assert.Equal(12.0 / 8990, Three.FalsePositiveRate, 15);
        Assert.Equal(1.0, Three.TruePositiveRate + Three.FalseNegativeRate, 15);
    }

    [Fact]
    public void Notes_001_stars_and_quasars()
    {
        var q = new BinaryCounts(TruePositives: 900, FalseNegatives: 100, FalsePositives: 1000, TrueNegatives: 99000);
        Assert.Equal(0.9, q.TruePositiveRate, 15);
        Assert.Equal(0.9, q.Completeness, 15);
        Assert.Equal(0.01, q.FalsePositiveRate, 15);
        // Contamination = FP / (TP + FP) = 1000/1900; course notes print 0.53.
        Assert.Equal(1000.0 / 1900, q.Contamination, 15);
        Assert.Equal(0.53, Math.Round(q.Contamination, 2));
        Assert.Equal(1 - q.Contamination, q.Efficiency, 15);
        Assert.Equal(q.Precision, q.Efficiency, 15);
    }

    [Fact]
    public void F_beta_uses_one_plus_beta_squared()
    {
        var b = new BinaryCounts(2, 1, 0, 5);   // P = 1, R = 2/3 (a course-notes example: recall 66.6 %, precision 100 %)
        Assert.Equal(1.0, b.Precision);
        Assert.Equal(2.0 / 3, b.Recall, 15);
        Assert.Equal(5 * (2.0 / 3) / (4 + 2.0 / 3), b.FBeta(2), 15);
        Assert.Equal(b.F1, b.FBeta(1), 15);
    }

    [Fact]
    public void Rows_are_actual_columns_are_predicted()
    {
        var m = ConfusionMatrix.FromPredictions(actual: [0, 0, 1, 2, 2, 2], predicted: [0, 1, 1, 2, 0, 2], classCount: 3);
        Assert.Equal(1, m[0, 1]);   // an actual 0 predicted as 1
        Assert.Equal(1, m[2, 0]);
        Assert.Equal(4.0 / 6, m.Accuracy, 15);
        Assert.Equal(new BinaryCounts(1, 1, 1, 3), m.OneVsRest(0));
        Assert.Equal(0.5, m.Precision(1));   // column 1: one right of two
        Assert.Equal(2.0 / 3, m.Recall(2), 15);
        Assert.Equal(3, m.Support(2));
    }

    [Fact]
    public void Macro_micro_and_weighted_averages()
    {
        var m = ConfusionMatrix.FromPredictions([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3);
        double p0 = 0.5, p1 = 0.5, p2 = 1.0, r0 = 0.5, r1 = 1.0, r2 = 2.0 / 3;
        Assert.Equal((p0 + p1 + p2) / 3, m.Precision(Averaging.Macro), 15);
        Assert.Equal((2 * r0 + 1 * r1 + 3 * r2) / 6, m.Recall(Averaging.Weighted), 15);
        // micro precision = micro recall = accuracy for single-label data
        Assert.Equal(m.Accuracy, m.Precision(Averaging.Micro), 15);
        Assert.Equal(m.Accuracy, m.Recall(Averaging.Micro), 15);
        Assert.Equal(m.Accuracy, m.F1(Averaging.Micro), 15);
        double f(double p, double r) => 2 * p * r / (p + r);
        Assert.Equal((f(p0, r0) + f(p1, r1) + f(p2, r2)) / 3, m.F1(Averaging.Macro), 15);
    }

    [Fact]
    public void Binary_counts_round_trip_through_a_2x2_matrix_and_scores()
    {
        var m = ConfusionMatrix.FromBinaryCounts(Three);
        Assert.Equal(Three, m.OneVsRest(1));
        var scores = Tensor.FromArray(new float[,] { { 0.9f, 0.1f }, { 0.2f, 0.8f }, { 0.6f, 0.4f } });
        var s = ConfusionMatrix.FromScores(scores, [0, 1, 1]);
        Assert.Equal(1, s[1, 0]);
        Assert.Equal(2.0 / 3, ClassificationMetrics.Accuracy(scores, [0, 1, 1]), 15);
        Assert.Contains("accuracy 0.6667", s.Report());
    }

    [Fact]
    public void Bad_labels_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => ConfusionMatrix.FromPredictions([0, 3], [0, 1], 3));
        Assert.Contains("example 1", e.Message);
    }
}
