using AutoGrad.Data;
using AutoGrad.Losses;

namespace AutoGrad.Training;

/// <summary>The training objective of one batch: a scalar loss <c>L(f(X), y)</c>, averaged over the batch's examples.</summary>
/// <param name="output">The model's output <c>f(X)</c> for the batch.</param>
/// <param name="batch">The batch (its labels are the targets).</param>
public delegate Tensor LossFunction(Tensor output, Batch batch);

/// <summary>Ready-made <see cref="LossFunction"/>s for classification with class-index labels.</summary>
public static class Objectives
{
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
