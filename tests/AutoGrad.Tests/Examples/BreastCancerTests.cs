using AutoGrad.Data;
using BreastCancerExample;

namespace AutoGrad.Tests.Examples;

public class BreastCancerTests
{
    private static readonly CrossValidationResult TwoFolds = CrossValidation.Run(k: 2, epochs: 30, seed: 1);

    [Fact]
    public void Two_folds_of_thirty_epochs_separate_malignant_from_benign()
    {
        var c = TwoFolds.Counts;
        Assert.Equal(569, c.Total);
        Assert.Equal(212, c.Support);   // 212 malignant tumours in the data set
        // Measured: accuracy 0.965, precision 0.949, recall 0.958, F1 0.953, AUC 0.9925.
        string got = $"accuracy {c.Accuracy}, precision {c.Precision}, recall {c.Recall}, F1 {c.F1}, AUC {TwoFolds.Roc.Auc}";
        Assert.True(c.Accuracy > 0.95 && c.Precision > 0.92 && c.Recall > 0.92 && TwoFolds.Roc.Auc > 0.98, got);
        Assert.Equal(2 * c.Precision * c.Recall / (c.Precision + c.Recall), c.F1, 12);
        foreach (var f in TwoFolds.Folds)
            Assert.True(f.History.Epochs[^1].TrainLoss < f.History.Epochs[0].TrainLoss / 2, $"fold {f.Index}: BCE should fall");
    }

    [Fact]
    public void Scaler_is_fitted_on_the_training_fold_only_and_every_example_is_scored_once()
    {
        var x = Datasets.BreastCancer().Features.ToArray2D();
        foreach (var f in TwoFolds.Folds)
        {
            Assert.InRange(f.TrainIndices.Length, 284, 285);
            for (int j = 0; j < 30; j++)
            {
                double mean = f.TrainIndices.Average(i => x[i, j]);
                Assert.Equal(mean, f.ScalerMean[j], Math.Max(1e-4, Math.Abs(mean) * 1e-5));
            }
        }
        Assert.All(TwoFolds.Scores, s => Assert.InRange(s, 0.0, 1.0));
        Assert.Equal(569, TwoFolds.Folds.Sum(f => 569 - f.TrainIndices.Length));
    }

    [Fact]
    public void Pooled_roc_goes_from_0_0_to_1_1_and_auc_matches_the_rank_statistic()
    {
        var roc = TwoFolds.Roc;
        Assert.Equal((0.0, 0.0), (roc.FalsePositiveRates[0], roc.TruePositiveRates[0]));
        Assert.Equal((1.0, 1.0), (roc.FalsePositiveRates[^1], roc.TruePositiveRates[^1]));
        var labels = Datasets.BreastCancer().Labels;
        var pos = Enumerable.Range(0, 569).Where(i => labels[i] == CrossValidation.Malignant).Select(i => TwoFolds.Scores[i]).ToArray();
        var neg = Enumerable.Range(0, 569).Where(i => labels[i] != CrossValidation.Malignant).Select(i => TwoFolds.Scores[i]).ToArray();
        double wins = pos.Sum(p => neg.Sum(n => p > n ? 1.0 : p == n ? 0.5 : 0.0));
        Assert.Equal(wins / (pos.Length * (double)neg.Length), roc.Auc, 9);
    }
}
