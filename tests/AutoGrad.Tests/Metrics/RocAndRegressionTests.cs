using AutoGrad.Metrics;

namespace AutoGrad.Tests.Metrics;

public class RocAndRegressionTests
{
    [Fact]
    public void Roc_of_a_small_example_matches_the_hand_computation()
    {
        // Positives score 0.35, 0.8; negatives 0.1, 0.4. Pairs won: (0.8 > both) + (0.35 > 0.1) = 3 of 4.
        var roc = RocCurve.Compute([0.1, 0.4, 0.35, 0.8], [false, false, true, true]);
        Assert.Equal([0.0, 0.0, 0.5, 0.5, 1.0], roc.FalsePositiveRates);
        Assert.Equal([0.0, 0.5, 0.5, 1.0, 1.0], roc.TruePositiveRates);
        Assert.Equal([double.PositiveInfinity, 0.8, 0.4, 0.35, 0.1], roc.Thresholds);
        Assert.Equal(0.75, roc.Auc, 15);
    }

    [Fact]
    public void Tied_scores_give_half_credit()
    {
        // Positives 0.9, 0.5; negatives 0.5, 0.2: pairs 1 + 1 + ½ (the tie) + 1 = 3.5 of 4.
        var roc = RocCurve.Compute([0.5, 0.5, 0.2, 0.9], [true, false, false, true]);
        Assert.Equal(0.875, roc.Auc, 15);
        Assert.Equal(4, roc.Thresholds.Count);   // ∞, 0.9, 0.5 (one point for the tie), 0.2
    }

    [Fact]
    public void Roc_from_class_scores_and_degenerate_input()
    {
        var scores = Tensor.FromArray(new double[,] { { 0.9, 0.1 }, { 0.6, 0.4 }, { 0.3, 0.7 } });
        Assert.Equal(1.0, RocCurve.Compute(scores, [0, 0, 1]).Auc);
        Assert.Equal(1.0, RocCurve.Compute(scores, [0, 0, 1], positiveClass: 0).Auc);   // column 0 ranks the two 0s first
        Assert.Equal(0.5, RocCurve.Compute(Tensor.FromArray(new double[] { 0.3, 0.3 }), [0, 1]).Auc);
        Assert.Throws<ArgumentException>(() => RocCurve.Compute([0.1, 0.2], [true, true]));
    }

    [Fact]
    public void Mse_and_mae()
    {
        var p = Tensor.FromArray(new double[] { 1, 2, 4 });
        var y = Tensor.FromArray(new double[] { 1, 0, 1 });
        Assert.Equal((0 + 4 + 9) / 3.0, RegressionMetrics.MeanSquaredError(p, y), 14);
        Assert.Equal((0 + 2 + 3) / 3.0, RegressionMetrics.MeanAbsoluteError(p, y), 14);
    }

    [Fact]
    public void Regression_accuracy_counts_errors_below_population_sigma_over_lambda()
    {
        // y = 0, 2, 4, 6: μ = 3, population σ = √5; with λ = 250, ρ = √5/250 ≈ 0.008944.
        var y = Tensor.FromArray(new double[] { 0, 2, 4, 6 });
        var p = Tensor.FromArray(new double[] { 0.008, 2.009, 4, 5.5 });
        Assert.Equal(2.0 / 4, RegressionMetrics.Accuracy(p, y), 15);                       // 0.008 and 0 are inside, 0.009 is not
        Assert.Equal(3.0 / 4, RegressionMetrics.Accuracy(p, y, precisionDivisor: 200), 15); // ρ ≈ 0.01118 admits 0.009
        Assert.Equal(250, RegressionMetrics.DefaultPrecisionDivisor);
    }
}
