using System.Globalization;
using System.Text;
using AutoGrad.Data;

namespace AutoGrad.Training;

/// <summary>The cross-validated score of one configuration: the fold scores <c>sᵢ</c>, their mean and sample standard deviation.</summary>
/// <param name="Config">The configuration.</param>
/// <param name="FoldScores">The score on each validation fold.</param>
public sealed record SearchResult(HyperParameters Config, IReadOnlyList<double> FoldScores)
{
    /// <summary>The mean score <c>s̄ = (1/k) Σ sᵢ</c>.</summary>
    public double Mean => FoldScores.Average();

    /// <summary>The sample standard deviation <c>√(Σ (sᵢ − s̄)² / (k − 1))</c> (0 for one fold).</summary>
    public double Std => FoldScores.Count < 2 ? 0 : Math.Sqrt(FoldScores.Sum(s => (s - Mean) * (s - Mean)) / (FoldScores.Count - 1));
}

/// <summary>The results of a search, best first.</summary>
public sealed class SearchResults
{
    internal SearchResults(IReadOnlyList<SearchResult> sorted, bool higherIsBetter) => (Results, HigherIsBetter) = (sorted, higherIsBetter);

    /// <summary>Every configuration's result, sorted best first by mean score.</summary>
    public IReadOnlyList<SearchResult> Results { get; }

    /// <summary>Whether a higher score is better (accuracy) rather than lower (loss).</summary>
    public bool HigherIsBetter { get; }

    /// <summary>The best configuration's result.</summary>
    public SearchResult Best => Results[0];

    /// <summary>The table as CSV: <c>rank,{parameters…},mean,std,fold1,…,foldk</c>, invariant culture, round-trip precision.</summary>
    public string ToCsv()
    {
        var names = Results[0].Config.Names.ToArray();
        int k = Results.Max(r => r.FoldScores.Count);
        var sb = new StringBuilder();
        sb.Append(string.Join(',', ["rank", .. names, "mean", "std", .. Enumerable.Range(1, k).Select(i => $"fold{i}")])).Append('\n');
        for (int r = 0; r < Results.Count; r++)
        {
            var x = Results[r];
            sb.Append(string.Join(',', [(r + 1).ToString(CultureInfo.InvariantCulture), .. names.Select(n => R(x.Config[n])), R(x.Mean), R(x.Std), .. x.FoldScores.Select(R)])).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/>.</summary>
    public void SaveCsv(string path) => AutoGrad.IO.AtomicFile.WriteAllText(path, ToCsv());   // Note [Atomic saves]

    /// <summary>An aligned text table: rank, configuration, <c>mean ± std</c>.</summary>
    public override string ToString()
    {
        var rows = Results.Select((x, i) => (Rank: (i + 1).ToString(CultureInfo.InvariantCulture), Config: x.Config.ToString(),
            Score: string.Create(CultureInfo.InvariantCulture, $"{x.Mean:0.0000} ± {x.Std:0.0000}"))).ToList();
        int w0 = Math.Max(4, rows.Max(r => r.Rank.Length)), w1 = Math.Max(6, rows.Max(r => r.Config.Length));
        var sb = new StringBuilder();
        sb.Append("rank".PadRight(w0)).Append("  ").Append("config".PadRight(w1)).Append("  score (mean ± std)\n");
        foreach (var r in rows) sb.Append(r.Rank.PadRight(w0)).Append("  ").Append(r.Config.PadRight(w1)).Append("  ").Append(r.Score).Append('\n');
        return sb.ToString();
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// Hyperparameter search scored by k-fold cross-validation: every configuration is trained on each fold's training part
/// and scored on its validation part; the same folds are used for every configuration, so differences come from the configurations.
/// </summary>
public static class HyperparameterSearch
{
    /// <summary>Scores every grid combination with <paramref name="k"/>-fold cross-validation on <paramref name="data"/>.</summary>
    /// <param name="grid">Parameter name → candidate values.</param>
    /// <param name="data">The training data (keep the test set out of it).</param>
    /// <param name="k">The number of folds.</param>
    /// <param name="score">Trains a model with the configuration on <c>fold.Train</c> and returns its score on <c>fold.Validation</c>.</param>
    /// <param name="generator">The seeded source of the fold assignment.</param>
    /// <param name="higherIsBetter">True for accuracies, false for losses.</param>
    /// <param name="stratify">Keep class proportions in each fold.</param>
    public static SearchResults Grid(IReadOnlyDictionary<string, IReadOnlyList<double>> grid, Dataset data, int k, Func<HyperParameters, Fold, double> score,
        Generator generator, bool higherIsBetter = true, bool stratify = true) =>
        Run(ParameterSpace.Grid(grid), data, k, score, generator, higherIsBetter, stratify);

    /// <summary>Scores <paramref name="trials"/> random configurations (log-uniform ranges for rates) with k-fold cross-validation.</summary>
    /// <remarks>The folds are drawn from <paramref name="generator"/> first, then the configurations.</remarks>
    public static SearchResults Random(IReadOnlyList<ParameterRange> ranges, int trials, Dataset data, int k, Func<HyperParameters, Fold, double> score,
        Generator generator, bool higherIsBetter = true, bool stratify = true)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var folds = Splits.KFold(data, k, generator, stratify);
        return Score(ParameterSpace.Random(ranges, trials, generator), folds, score, higherIsBetter);
    }

    /// <summary>Scores the given configurations with k-fold cross-validation.</summary>
    public static SearchResults Run(IReadOnlyList<HyperParameters> configs, Dataset data, int k, Func<HyperParameters, Fold, double> score,
        Generator generator, bool higherIsBetter = true, bool stratify = true) =>
        Score(configs, Splits.KFold(data, k, generator, stratify), score, higherIsBetter);

    private static SearchResults Score(IReadOnlyList<HyperParameters> configs, IReadOnlyList<Fold> folds, Func<HyperParameters, Fold, double> score, bool higherIsBetter)
    {
        ArgumentNullException.ThrowIfNull(configs);
        ArgumentNullException.ThrowIfNull(score);
        if (configs.Count == 0) throw new ArgumentException("HyperparameterSearch: no configurations to score.");
        var results = configs.Select(c => new SearchResult(c, folds.Select(f => score(c, f)).ToArray())).ToList();
        // NaN (a diverged run) sorts last either way; ties keep the configuration order (OrderBy is stable).
        var sorted = results.OrderBy(r => double.IsNaN(r.Mean) ? 1 : 0).ThenBy(r => higherIsBetter ? -r.Mean : r.Mean).ToList();
        return new SearchResults(sorted, higherIsBetter);
    }
}
