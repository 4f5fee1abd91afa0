using System.Globalization;
using AutoGrad;
using AutoGrad.Differentiation;
using AutoGrad.Data;
using AutoGrad.Losses;
using AutoGrad.Metrics;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace BreastCancerExample;

/// <summary>One fold of the cross-validation.</summary>
/// <param name="Index">Fold number from 0.</param>
/// <param name="History">Per-epoch training and validation BCE and accuracy.</param>
/// <param name="ScalerMean">The standardization mean μ fitted on this fold's training rows only.</param>
/// <param name="TrainIndices">Rows of the data set the fold trained on.</param>
/// <param name="Counts">Validation confusion counts at threshold 0.5 (positive = malignant).</param>
/// <param name="Roc">Validation ROC curve.</param>
public sealed record FoldResult(int Index, History History, double[] ScalerMean, int[] TrainIndices, BinaryCounts Counts, RocCurve Roc);

/// <summary>The cross-validation: each fold, and the out-of-fold predictions of every example pooled.</summary>
/// <param name="Folds">Per-fold results.</param>
/// <param name="Scores">Out-of-fold P(malignant) of each example, from the fold that held it out.</param>
/// <param name="Counts">Pooled out-of-fold confusion counts at threshold 0.5.</param>
/// <param name="Roc">Pooled out-of-fold ROC curve.</param>
public sealed record CrossValidationResult(IReadOnlyList<FoldResult> Folds, double[] Scores, BinaryCounts Counts, RocCurve Roc)
{
    /// <summary>Mean and population standard deviation of a per-fold statistic.</summary>
    public (double Mean, double Std) Spread(Func<FoldResult, double> metric)
    {
        var v = Folds.Select(metric).ToArray();
        double m = v.Average();
        return (m, Math.Sqrt(v.Select(x => (x - m) * (x - m)).Average()));
    }
}

/// <summary>
/// Breast Cancer Wisconsin: 30 standardized features (μ, σ fitted on the training folds only) → 16 ReLU → 1 logit, <c>p = σ(z)</c> with binary
/// cross-entropy (computed on the logit, gradient <c>σ(z) − y</c>, notes 003), Adam, k-fold stratified cross-validation (notes 000, 002).
/// The positive class is malignant (label 0 in the data file), so recall is the fraction of malignant tumours found.
/// </summary>
public static class CrossValidation
{
    /// <summary>The data set's label of the positive class (malignant).</summary>
    public const int Malignant = 0;

    /// <summary>30 → 16 → 1 with ReLU; the output is the logit z of P(malignant).</summary>
    public static Sequential Model(Generator generator) => new(new Linear(30, 16, generator), new Relu(), new Linear(16, 1, generator));

    /// <summary>Binary cross-entropy of σ(z) against 1(label = malignant), averaged over the batch.</summary>
    public static Tensor Loss(Tensor z, Batch batch) => z.BinaryCrossEntropyWithLogits(Targets(batch.Labels, z.DType));

    /// <summary>Runs k-fold cross-validation with <paramref name="epochs"/> epochs per fold; writes an epoch line every <paramref name="printEvery"/> epochs.</summary>
    public static CrossValidationResult Run(int k = 5, int epochs = 60, ulong seed = 1, TextWriter? output = null, int printEvery = 10,
        Func<int, ITrainingCallback?>? foldCallback = null)
    {
        var data = Datasets.BreastCancer();
        var folds = Splits.KFold(data, k, new Generator(seed), stratify: true);
        var scores = new double[data.Count];
        var results = new List<FoldResult>();
        foreach (var fold in folds)
        {
            var scaler = new StandardScaler();
            scaler.Fit(fold.Train.Features);
            var train = fold.Train.WithFeatures(scaler.Transform(fold.Train.Features));
            var validation = fold.Validation.WithFeatures(scaler.Transform(fold.Validation.Features));
            var model = Model(new Generator(seed + 10 + (ulong)fold.Index));
            var trainer = new Trainer(model, Loss, new Adam(model.Parameters(), 0.001))
            {
                Progress = null,
                CorrectCount = (z, b) => CountCorrect(z, b.Labels),
            };
            trainer.Callbacks.Add(new LambdaCallback
            {
                EpochEnd = (_, r) =>
                {
                    if (output is null || (r.Epoch % printEvery != 0 && r.Epoch != 1)) return;
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"fold {fold.Index + 1}/{k} epoch {r.Epoch,3}/{epochs}: loss {r.TrainLoss:0.0000}, accuracy {r.TrainAccuracy:0.0000}, val_loss {r.ValidationLoss:0.0000}, val_accuracy {r.ValidationAccuracy:0.0000}"));
                },
            });
            if (foldCallback?.Invoke(fold.Index) is { } extra) trainer.Callbacks.Add(extra);
            using var loader = new DataLoader(train, 32, shuffle: true, generator: new Generator(seed + 100 + (ulong)fold.Index));
            trainer.Fit(loader, epochs, validation);
            var p = Probabilities(model, validation.Features);
            for (int j = 0; j < p.Length; j++) scores[fold.ValidationIndices[j]] = p[j];
            var positive = validation.Labels.Select(y => y == Malignant).ToArray();
            results.Add(new FoldResult(fold.Index, trainer.History, scaler.Mean.ToDoubleArray(), fold.TrainIndices, Count(p, positive), RocCurve.Compute(p, positive)));
        }
        var all = data.Labels.Select(y => y == Malignant).ToArray();
        return new CrossValidationResult(results, scores, Count(scores, all), RocCurve.Compute(scores, all));
    }

    /// <summary>P(malignant) = σ(z) for standardized rows <paramref name="x"/>, in evaluation mode without a tape.</summary>
    public static double[] Probabilities(Module model, Tensor x)
    {
        model.Eval();
        using (Recorder.NoGrad())
        {
            var p = model.Forward(x).Sigmoid().ToDoubleArray();
            model.Train();
            return p;
        }
    }

    private static Tensor Targets(IReadOnlyList<int> labels, DType dtype) =>
        Tensor.FromArray(labels.Select(y => y == Malignant ? 1.0 : 0.0).ToArray()).Reshape(labels.Count, 1).To(dtype);

    private static int CountCorrect(Tensor z, IReadOnlyList<int> labels)
    {
        var v = z.ToDoubleArray();
        int correct = 0;
        for (int i = 0; i < v.Length; i++) if ((v[i] > 0) == (labels[i] == Malignant)) correct++;
        return correct;
    }

    private static BinaryCounts Count(double[] p, bool[] positive)
    {
        long tp = 0, fn = 0, fp = 0, tn = 0;
        for (int i = 0; i < p.Length; i++)
        {
            bool predicted = p[i] >= 0.5;
            if (positive[i]) { if (predicted) tp++; else fn++; }
            else if (predicted) fp++;
            else tn++;
        }
        return new BinaryCounts(tp, fn, fp, tn);
    }
}
