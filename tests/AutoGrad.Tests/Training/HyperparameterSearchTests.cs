using AutoGrad.Data;
using AutoGrad.Optim;
using AutoGrad.Training;
using static AutoGrad.Tests.Training.TrainingFixtures;

namespace AutoGrad.Tests.Training;

public class HyperparameterSearchTests
{
    [Fact]
    public void Grid_enumerates_the_cartesian_product_last_parameter_fastest()
    {
        var grid = ParameterSpace.Grid(new Dictionary<string, IReadOnlyList<double>> { ["a"] = [1, 2], ["b"] = [10, 20, 30] });
        Assert.Equal(["a=1 b=10", "a=1 b=20", "a=1 b=30", "a=2 b=10", "a=2 b=20", "a=2 b=30"], grid.Select(g => g.ToString()));
    }

    [Fact]
    public void Grid_search_ranks_by_mean_fold_score_with_sample_std()
    {
        // Score = −(lr − 0.01)² + fold index/100: the best lr is 0.01; the fold term gives every config the same spread
        // (scores s, s+0.01, s+0.02 → std 0.01) and shifts each mean by 0.01.
        var data = Datasets.Iris();
        var results = HyperparameterSearch.Grid(new Dictionary<string, IReadOnlyList<double>> { ["lr"] = [0.1, 0.001, 0.01, 1] }, data, 3,
            (c, f) => -Math.Pow(c["lr"] - 0.01, 2) + f.Index / 100.0, new Generator(1));
        Assert.Equal([0.01, 0.001, 0.1, 1], results.Results.Select(r => r.Config["lr"]));
        Assert.Equal(0.01, results.Best.Mean, 12);
        Assert.Equal(0.01, results.Best.Std, 12);
        Assert.Equal(3, results.Best.FoldScores.Count);
        var csv = results.ToCsv().Split('\n');
        Assert.Equal("rank,lr,mean,std,fold1,fold2,fold3", csv[0]);
        Assert.StartsWith("1,0.01,0.01,0.01", csv[1]);
        var table = results.ToString().Split('\n');
        Assert.Equal("rank  config    score (mean ± std)", table[0]);
        Assert.Equal("1     lr=0.01   0.0100 ± 0.0100", table[1]);
    }

    [Fact]
    public void Lower_is_better_for_losses()
    {
        var results = HyperparameterSearch.Grid(new Dictionary<string, IReadOnlyList<double>> { ["x"] = [3, 1, 2] }, Datasets.Iris(), 2,
            (c, _) => c["x"], new Generator(1), higherIsBetter: false);
        Assert.Equal([1.0, 2, 3], results.Results.Select(r => r.Config["x"]));
    }

    [Fact]
    public void Random_log_uniform_draws_cover_decades_evenly()
    {
        var configs = ParameterSpace.Random([new LogUniformRange("lr", 1e-4, 1), new ChoiceRange("units", [8, 16])], 2000, new Generator(3));
        var logs = configs.Select(c => Math.Log10(c["lr"])).ToArray();
        Assert.All(logs, l => Assert.InRange(l, -4, 0));
        for (int d = -4; d < 0; d++)
            Assert.InRange(logs.Count(l => l >= d && l < d + 1), 430, 570);   // 500 expected per decade; ±3σ ≈ ±58
        Assert.All(configs, c => Assert.Contains(c.Int("units"), new[] { 8, 16 }));
    }

    [Fact]
    public void Grid_search_with_training_picks_the_learning_rate_that_learns()
    {
        // A learning rate of 1e-6 cannot move a fresh MLP in 5 epochs; 0.05 reaches high accuracy on every fold.
        var (train, _) = Iris();
        var results = HyperparameterSearch.Grid(new Dictionary<string, IReadOnlyList<double>> { ["lr"] = [1e-6, 0.05] }, train, 3, (c, fold) =>
        {
            var model = Mlp(9);
            var trainer = new Trainer(model, Objectives.SoftmaxCrossEntropy, new Adam(model.Parameters(), c["lr"])) { Progress = null };
            using var loader = new DataLoader(fold.Train, 16, shuffle: true, generator: new Generator(2));
            trainer.Fit(loader, 5);
            return trainer.Evaluate(fold.Validation).Accuracy;
        }, new Generator(4));
        Assert.Equal(0.05, results.Best.Config["lr"]);
        Assert.True(results.Best.Mean > 0.85, results.ToString());
        Assert.True(results.Results[1].Mean < 0.6, results.ToString());
    }
}
