namespace AutoGrad.Data;

/// <summary>The three parts of a train / validation / holdout split.</summary>
/// <param name="Train">The examples to fit on.</param>
/// <param name="Validation">The examples to tune on (sometimes called the "validation (test)" set).</param>
/// <param name="Holdout">The examples kept aside for the final report.</param>
public sealed record DataSplit(Dataset Train, Dataset Validation, Dataset Holdout);

/// <summary>Fold <c>i</c> of a k-fold cross-validation: validate on part <c>i</c>, train on the other <c>k − 1</c>.</summary>
/// <param name="Index">The fold number <c>0 … k−1</c>.</param>
/// <param name="Train">The examples of the other folds.</param>
/// <param name="Validation">The examples of this fold.</param>
/// <param name="TrainIndices">Positions of <paramref name="Train"/> in the original data set.</param>
/// <param name="ValidationIndices">Positions of <paramref name="Validation"/> in the original data set.</param>
public sealed record Fold(int Index, Dataset Train, Dataset Validation, int[] TrainIndices, int[] ValidationIndices);

/// <summary>Random splits of a data set, optionally stratified (each class split in the same proportions).</summary>
public static class Splits
{
    /// <summary>
    /// Splits into train / validation / holdout with the given fractions of <c>n</c> (train gets the rest);
    /// stratified splits apply the fractions within every class.
    /// </summary>
    /// <remarks>Part sizes are <c>round(f·n)</c> (per class when stratified), so they can differ from <c>f·n</c> by one per class.</remarks>
    public static DataSplit TrainValidationHoldout(Dataset data, double validationFraction, double holdoutFraction, Generator generator, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(generator);
        if (!(validationFraction >= 0) || !(holdoutFraction >= 0) || !(validationFraction + holdoutFraction < 1))
            throw new ArgumentException($"Splits: fractions must be ≥ 0 with validation + holdout < 1, got {validationFraction} and {holdoutFraction}.");
        var groups = stratify ? IndicesByClass(data) : [Enumerable.Range(0, data.Count).ToList()];
        List<int> train = [], validation = [], holdout = [];
        foreach (var group in groups)
        {
            var g = group.ToArray();
            generator.Shuffle<int>(g);
            int nv = (int)Math.Round(validationFraction * g.Length, MidpointRounding.AwayFromZero);
            int nh = Math.Min((int)Math.Round(holdoutFraction * g.Length, MidpointRounding.AwayFromZero), g.Length - nv);
            validation.AddRange(g[..nv]);
            holdout.AddRange(g[nv..(nv + nh)]);
            train.AddRange(g[(nv + nh)..]);
        }
        // Stratified parts come out grouped by class; shuffle so a sequential reader sees mixed classes.
        return new DataSplit(Part(data, train, generator, "train"), Part(data, validation, generator, "validation"), Part(data, holdout, generator, "holdout"));
    }

    /// <summary>Splits into train and test, the test part holding a fraction <paramref name="testFraction"/> of the examples.</summary>
    public static TrainTestPair TrainTest(Dataset data, double testFraction, Generator generator, bool stratify = false)
    {
        var s = TrainValidationHoldout(data, testFraction, 0, generator, stratify);
        return new TrainTestPair(s.Train, s.Validation);
    }

    /// <summary>
    /// k-fold cross-validation: the examples are shuffled and dealt into <c>k</c> folds of near-equal size
    /// (stratified: class by class, so every fold has about <c>n_c/k</c> of each class).
    /// </summary>
    public static IReadOnlyList<Fold> KFold(Dataset data, int k, Generator generator, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(generator);
        if (k < 2 || k > data.Count)
            throw new ArgumentOutOfRangeException(nameof(k), $"Splits.KFold: k must be in [2, {data.Count}] for {data.Count} examples, got {k}.");
        var groups = stratify ? IndicesByClass(data) : [Enumerable.Range(0, data.Count).ToList()];
        var folds = Enumerable.Range(0, k).Select(_ => new List<int>()).ToArray();
        int next = 0;
        foreach (var group in groups)
        {
            var g = group.ToArray();
            generator.Shuffle<int>(g);
            // Continue dealing where the previous class stopped so fold sizes differ by at most one overall.
            foreach (var i in g) { folds[next].Add(i); next = (next + 1) % k; }
        }
        var result = new Fold[k];
        for (int f = 0; f < k; f++)
        {
            var validation = folds[f].Order().ToArray();
            var train = Enumerable.Range(0, k).Where(j => j != f).SelectMany(j => folds[j]).Order().ToArray();
            result[f] = new Fold(f, data.Subset(train, $"{data.Name} fold {f} train"), data.Subset(validation, $"{data.Name} fold {f} validation"), train, validation);
        }
        return result;
    }

    internal static List<int>[] IndicesByClass(Dataset data)
    {
        if (!data.HasClassLabels)
            throw new InvalidOperationException($"Splits: stratifying needs class labels, but data set '{data.Name}' has target tensors; split without stratify.");
        var groups = Enumerable.Range(0, data.ClassCount).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < data.Count; i++) groups[data.Labels[i]].Add(i);
        return groups;
    }

    private static Dataset Part(Dataset data, List<int> indices, Generator generator, string part)
    {
        var idx = indices.ToArray();
        generator.Shuffle<int>(idx);
        return data.Subset(idx, $"{data.Name} {part}");
    }
}
