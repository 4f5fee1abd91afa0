using AutoGrad.Differentiation;
using AutoGrad.Data;
using AutoGrad.Metrics;
using AutoGrad.NN;

namespace AutoGrad.Training;

/// <summary>Predictions of a classifier: <c>ŷᵢ = argmax_j pᵢⱼ</c> with <c>p = softmax(f(X))</c> and confidence <c>max_j pᵢⱼ</c>.</summary>
/// <param name="Classes">The predicted class of each example.</param>
/// <param name="Confidences">The softmax probability of the predicted class, <c>max_j pᵢⱼ</c>.</param>
/// <param name="Probabilities">All class probabilities <c>p = softmax(f(X))</c>, shape <c>[n, k]</c>; rows sum to 1.</param>
public sealed record Prediction(int[] Classes, double[] Confidences, Tensor Probabilities);

/// <summary>A model's loss, accuracy and confusion matrix on a data set.</summary>
/// <param name="Loss">Sample-weighted mean loss <c>Σ_b m_b L_b / n</c>.</param>
/// <param name="Accuracy">Fraction of examples whose argmax prediction equals the label (NaN when accuracy is not tracked).</param>
/// <param name="Confusion">The confusion matrix <c>C[i, j]</c> = examples of class i predicted as j (null when not asked for).</param>
/// <param name="Count">The number of examples <c>n</c>.</param>
public sealed record EvaluationResult(double Loss, double Accuracy, ConfusionMatrix? Confusion, int Count);

/// <summary>Batched prediction and evaluation in evaluation mode under <see cref="Recorder.NoGrad"/>.</summary>
public static class Inference
{
    /// <summary>Classes, confidences and softmax probabilities of <c>f(X)</c> for <paramref name="x"/> of shape <c>[n, …]</c>, computed in batches.</summary>
    /// <remarks>The model's outputs are treated as logits; a model that already ends in softmax gets a second softmax, which keeps the argmax
    /// but flattens the confidences — drop the final softmax layer for prediction. The model's training mode is restored afterwards.</remarks>
    public static Prediction Predict(Module model, Tensor x, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 1 || x.Shape[0] == 0) throw new ArgumentException($"Inference.Predict: examples must be [n ≥ 1, …], got shape {x.Shape}.");
        var parts = new List<Tensor>();
        InEval(model, () =>
        {
            foreach (var rows in Batches(x.Shape[0], batchSize))
            {
                var y = model.Forward(Dataset.TakeRows(x, rows));
                if (y.Rank != 2 || y.Shape[0] != rows.Length)
                    throw new InvalidOperationException($"Inference.Predict: the model output must be [m, k] for m = {rows.Length} examples, got {y.Shape}.");
                parts.Add(y.Softmax(1));
            }
        });
        var p = parts.Count == 1 ? parts[0] : CombineOps.Concat(parts, 0);
        var classes = ClassificationMetrics.Predictions(p);
        int k = p.Shape[1];
        var flat = p.ToDoubleArray();
        var confidences = new double[classes.Length];
        for (int i = 0; i < classes.Length; i++) confidences[i] = flat[i * k + classes[i]];
        return new Prediction(classes, confidences, p);
    }

    /// <summary>Sample-weighted loss, argmax accuracy and confusion matrix of <paramref name="model"/> on <paramref name="data"/>.</summary>
    public static EvaluationResult Evaluate(Module model, Dataset data, LossFunction loss, int batchSize = 256) =>
        Evaluate(model, data, loss, batchSize, (y, b) => Objectives.CorrectCount(y, b.Labels), confusion: true);

    internal static EvaluationResult Evaluate(Module model, Dataset data, LossFunction loss, int batchSize, Func<Tensor, Batch, int>? correctCount, bool confusion)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(loss);
        if (data.Count == 0) throw new ArgumentException($"Inference.Evaluate: data set '{data.Name}' is empty.");
        double lossSum = 0;
        long correct = 0;
        var predicted = confusion ? new List<int>(data.Count) : null;
        InEval(model, () =>
        {
            foreach (var rows in Batches(data.Count, batchSize))
            {
                var labels = rows.Select(i => data.LabelArray[i]).ToArray();
                var batch = new Batch(Dataset.TakeRows(data.Features, rows), labels, rows, data.ClassCount);
                var y = model.Forward(batch.Features);
                var l = loss(y, batch);
                if (l.Size != 1) throw new InvalidOperationException($"Inference.Evaluate: the loss must be a scalar, got shape {l.Shape}.");
                lossSum += l.Item() * batch.Count;
                if (correctCount is not null) correct += correctCount(y, batch);
                predicted?.AddRange(ClassificationMetrics.Predictions(y));
            }
        });
        var matrix = predicted is null ? null : ConfusionMatrix.FromPredictions(data.Labels, predicted, data.ClassCount, data.ClassNames);
        return new EvaluationResult(lossSum / data.Count, correctCount is null ? double.NaN : (double)correct / data.Count, matrix, data.Count);
    }

    private static void InEval(Module model, Action body)
    {
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using (Recorder.NoGrad()) body();
        }
        finally { model.Train(wasTraining); }
    }

    private static IEnumerable<int[]> Batches(int n, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Inference: batch size must be ≥ 1, got {batchSize}.");
        for (int s = 0; s < n; s += batchSize) yield return Enumerable.Range(s, Math.Min(batchSize, n - s)).ToArray();
    }
}
