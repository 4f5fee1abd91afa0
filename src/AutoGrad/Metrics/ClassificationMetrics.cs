namespace AutoGrad.Metrics;

/// <summary>Classification accuracy from scores or predicted labels.</summary>
public static class ClassificationMetrics
{
    /// <summary>The predicted class of each row, <c>ŷₙ = argmax_j scores[n, j]</c> (first maximum on ties).</summary>
    public static int[] Predictions(Tensor scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Rank != 2) throw new ArgumentException($"ClassificationMetrics: scores must be [n, k], got shape {scores.Shape}.");
        return scores.ArgMax(1).ToDoubleArray().Select(v => (int)v).ToArray();
    }

    /// <summary>Accuracy <c>(1/n) Σₙ 1(argmax_j scores[n, j] = yₙ)</c>.</summary>
    public static double Accuracy(Tensor scores, IReadOnlyList<int> actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        var predicted = Predictions(scores);
        if (predicted.Length != actual.Count)
            throw new ArgumentException($"ClassificationMetrics.Accuracy: {predicted.Length} score rows but {actual.Count} labels.");
        return Accuracy(predicted, actual);
    }

    /// <summary>Accuracy <c>(1/n) Σₙ 1(ŷₙ = yₙ)</c>.</summary>
    public static double Accuracy(IReadOnlyList<int> predicted, IReadOnlyList<int> actual)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(actual);
        if (predicted.Count != actual.Count)
            throw new ArgumentException($"ClassificationMetrics.Accuracy: {predicted.Count} predictions but {actual.Count} labels.");
        if (actual.Count == 0) throw new ArgumentException("ClassificationMetrics.Accuracy: no examples.");
        int correct = 0;
        for (int i = 0; i < actual.Count; i++) if (predicted[i] == actual[i]) correct++;
        return (double)correct / actual.Count;
    }
}
