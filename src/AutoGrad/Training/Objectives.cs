using AutoGrad.Data;
using AutoGrad.Losses;

namespace AutoGrad.Training;

/// <summary>The training objective of one batch: a scalar loss <c>L(f(X), y)</c>, averaged over the batch's examples.</summary>
/// <param name="output">The model's output <c>f(X)</c> for the batch.</param>
/// <param name="batch">The batch (its labels are the targets).</param>
public delegate Tensor LossFunction(Tensor output, Batch batch);

/// <summary>Ready-made <see cref="LossFunction"/>s: classification with class-index labels, and data sets with target tensors.</summary>
public static class Objectives
{
    // The trainer's and Evaluate's default accuracy counter; recognised by reference so batches of targets skip it.
    internal static readonly Func<Tensor, Batch, int> ArgMaxCorrect = (y, b) => CorrectCount(y, b.Labels);

    /// <summary>Mean squared error against the batch's target tensors, <c>L = mean((ŷ − y)²)</c> (regression, several outputs).</summary>
    public static LossFunction Mse { get; } = (p, b) => p.MseLoss(Targets(b, "Mse", p.DType));

    /// <summary>Mean absolute error against the batch's target tensors, <c>L = mean(|ŷ − y|)</c>.</summary>
    public static LossFunction Mae { get; } = (p, b) => p.MaeLoss(Targets(b, "Mae", p.DType));

    /// <summary>
    /// Softmax cross-entropy of a sequence model: logits <c>(B, T, V)</c> against the batch's targets <c>(B, T)</c> of token ids, averaged over
    /// every position, <c>L = (1/BT) Σ −log softmax(z_{b,t})_{y_{b,t}}</c> (in nats per token).
    /// </summary>
    /// <exception cref="ArgumentException">The logits are not the targets' shape plus a vocabulary axis.</exception>
    public static LossFunction TokenCrossEntropy { get; } = (z, b) =>
    {
        var y = Targets(b, "TokenCrossEntropy", z.DType);
        if (z.Rank != y.Rank + 1 || !z.Shape.ToArray()[..^1].SequenceEqual(y.Shape.ToArray()))
            throw new ArgumentException($"Objectives.TokenCrossEntropy: logits {z.Shape} must be the targets' shape {y.Shape} plus a vocabulary axis.");
        return z.Reshape(y.Size, z.Shape[-1]).SoftmaxCrossEntropy(y.Reshape(y.Size));
    };

    private static Tensor Targets(Batch b, string loss, DType dtype) =>
        b.Targets is { } t ? (t.DType == dtype ? t : t.To(dtype))
            : throw new InvalidOperationException($"Objectives.{loss}: the batch has class labels, not target tensors; build the data set as new Dataset(features, targets).");

    /// <summary>Softmax cross-entropy from logits, <c>L = (1/m) Σᵢ −log softmax(zᵢ)_{yᵢ}</c>.</summary>
    public static LossFunction SoftmaxCrossEntropy { get; } = (z, b) => z.SoftmaxCrossEntropy(b.LabelTensor(z.DType));

    /// <summary>Categorical cross-entropy on probabilities, <c>L = (1/m) Σᵢ −log ŷ_{i,yᵢ}</c> (clipped).</summary>
    public static LossFunction CategoricalCrossEntropy { get; } = (p, b) => p.CategoricalCrossEntropy(b.LabelTensor(p.DType));

    /// <summary>Mean squared error against one-hot targets, <c>L = (1/mk) Σᵢⱼ (ŷᵢⱼ − 1(yᵢ = j))²</c>.</summary>
    public static LossFunction OneHotMse { get; } = (p, b) => p.MseLoss(b.OneHotLabels(p.DType));

    /// <summary>The number of rows whose argmax equals the label, <c>Σᵢ 1(argmax_j outputᵢⱼ = yᵢ)</c>.</summary>
    /// <exception cref="ArgumentException">The output is not <c>[m, k]</c> with <c>m</c> = the batch size.</exception>
    public static int CorrectCount(Tensor output, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(labels);
        if (output.Rank != 2 || output.Shape[0] != labels.Count)
            throw new ArgumentException($"Objectives.CorrectCount: the model output must be [m, k] with m = {labels.Count} examples, got {output.Shape}.");
        var predicted = Metrics.ClassificationMetrics.Predictions(output);
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++) if (predicted[i] == labels[i]) correct++;
        return correct;
    }
}
