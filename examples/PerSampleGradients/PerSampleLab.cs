using AutoGrad;
using AutoGrad.Data;
using AutoGrad.Differentiation;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Transforms;

namespace PerSampleGradientsExample;

/// <summary>One training example's gradient norm at the trained model, with its label and the model's prediction.</summary>
public sealed record HardExample(int Index, int Label, int Predicted, double Norm);

/// <summary>A parameter's Fisher diagonal (the mean over examples of its squared per-sample gradient), summarized.</summary>
public sealed record FisherSummary(string Parameter, int Count, double Mean, double Median, double Max, double Total);

/// <summary>Test accuracy of plain SGD and of DP-SGD (clipped per-sample gradients plus seeded Gaussian noise) trained alike.</summary>
public sealed record TrainingResult(double PlainAccuracy, double PrivateAccuracy, double PlainLoss, double PrivateLoss);

/// <summary>
/// Per-sample gradients of a 64-32-10 classifier on the bundled 8×8 digits (Datasets.Digits): their norms (which examples
/// are hard), the Fisher diagonal, and DP-SGD (DifferentialPrivacy.PrivateGradient) next to plain SGD.
/// </summary>
public static class PerSampleLab
{
    /// <summary>The digits with pixels scaled to [0, 1], split 75/25 (stratified, seeded).</summary>
    public static TrainTestPair Data(ulong seed)
    {
        var digits = Datasets.Digits();
        digits = digits.WithFeatures(digits.Features / 16.0);
        return Splits.TrainTest(digits, 0.25, new Generator(seed), stratify: true);
    }

    /// <summary>Linear(64, 32) → tanh → Linear(32, 10), seeded.</summary>
    public static Sequential Model(ulong seed, DType dtype = DType.Float32) =>
        (Sequential)new Sequential(new Linear(64, 32, new Generator(seed)), new Tanh(), new Linear(32, 10, new Generator(seed + 1))).To(dtype);

    /// <summary>Softmax cross-entropy against class indices, the mean over the batch.</summary>
    public static Tensor Loss(Tensor logits, Tensor labels) => logits.SoftmaxCrossEntropy(labels);

    /// <summary>Each example's gradient, by Vmap(Grad) (or the Linear shortcut when <paramref name="shortcuts"/>).</summary>
    public static Dictionary<string, Tensor> PerSample(Module model, Tensor x, Tensor y, bool shortcuts = false) =>
        ModuleTransforms.PerSampleGradients(model, Loss, x, y, shortcuts);

    /// <summary>Each example's gradient norm over all parameters together.</summary>
    public static double[] Norms(IReadOnlyDictionary<string, Tensor> perSample)
    {
        double[]? squares = null;
        foreach (var g in perSample.Values)
        {
            int b = g.Shape[0];
            var s = g.Reshape(b, -1).Square().Sum(1).ToDoubleArray();
            squares ??= new double[b];
            for (int i = 0; i < b; i++) squares[i] += s[i];
        }
        return squares!.Select(Math.Sqrt).ToArray();
    }

    /// <summary>The <paramref name="count"/> training examples with the largest per-sample gradient norm, largest first.</summary>
    public static HardExample[] Hardest(Module model, Dataset data, int count, int chunk = 256)
    {
        var x = data.Features.To(model.Parameters().First().DType);
        var y = data.LabelTensor(x.DType);
        var norms = new List<double>();
        for (int start = 0; start < data.Count; start += chunk)
        {
            int[] idx = [.. Enumerable.Range(start, Math.Min(chunk, data.Count - start))];
            norms.AddRange(Norms(PerSample(model, x.IndexSelect(0, idx), y.IndexSelect(0, idx))));
        }
        double[] predicted;
        using (Recorder.NoGrad()) predicted = model.Forward(x).ArgMax(1).ToDoubleArray();
        return [.. norms.Select((n, i) => new HardExample(i, data.Labels[i], (int)predicted[i], n)).OrderByDescending(h => h.Norm).Take(count)];
    }

    /// <summary>The Fisher diagonal at the model: for each parameter, the mean over the examples of the squared per-sample gradient.</summary>
    public static Dictionary<string, Tensor> FisherDiagonal(Module model, Dataset data, int chunk = 256)
    {
        var x = data.Features.To(model.Parameters().First().DType);
        var y = data.LabelTensor(x.DType);
        Dictionary<string, Tensor>? sum = null;
        for (int start = 0; start < data.Count; start += chunk)
        {
            int[] idx = [.. Enumerable.Range(start, Math.Min(chunk, data.Count - start))];
            var g = PerSample(model, x.IndexSelect(0, idx), y.IndexSelect(0, idx));
            var part = g.ToDictionary(p => p.Key, p => p.Value.Square().Sum(0));
            sum = sum is null ? part : sum.ToDictionary(p => p.Key, p => p.Value + part[p.Key]);
        }
        return sum!.ToDictionary(p => p.Key, p => p.Value / data.Count);
    }

    /// <summary>Mean, median, max and total of each parameter's Fisher diagonal.</summary>
    public static FisherSummary[] Summarize(IReadOnlyDictionary<string, Tensor> fisher) =>
    [
        .. fisher.Select(p =>
        {
            var v = p.Value.ToDoubleArray();
            var sorted = v.Order().ToArray();
            return new FisherSummary(p.Key, v.Length, v.Average(), sorted[sorted.Length / 2], sorted[^1], v.Sum());
        }),
    ];

    /// <summary>
    /// Trains two copies of the same seeded model with the same batches: plain SGD on the mean loss's gradient, and DP-SGD on
    /// DifferentialPrivacy.PrivateGradient (each example's gradient clipped to <paramref name="clipNorm"/>, Gaussian noise
    /// σ·C from a generator seeded with <paramref name="noiseSeed"/>, averaged). Returns both test accuracies and final test losses.
    /// </summary>
    public static TrainingResult Train(TrainTestPair data, int epochs, int batch, double learningRate, double clipNorm, double noiseMultiplier,
        ulong seed, ulong noiseSeed, DType dtype = DType.Float32, Sequential? plain = null, Sequential? dp = null)
    {
        plain ??= Model(seed, dtype);
        dp ??= Model(seed, dtype);
        var x = data.Train.Features.To(dtype);
        var y = data.Train.LabelTensor(dtype);
        var order = new Random((int)seed);
        var noise = new Generator(noiseSeed);
        int n = data.Train.Count;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var perm = Enumerable.Range(0, n).ToArray();
            order.Shuffle(perm);
            for (int start = 0; start + batch <= n; start += batch)
            {
                var idx = perm[start..(start + batch)];
                Tensor xb = x.IndexSelect(0, idx), yb = y.IndexSelect(0, idx);
                var ps = plain.Parameters().ToArray();
                var g = Functional.Grad([Loss(plain.Forward(xb), yb)], ps);
                Step(ps, g!, learningRate);
                var named = dp.NamedParameters();
                // The model overload: an MLP's clipped sum comes from each Linear layer's inputs and output gradients, without
                // writing the per-sample gradients out (the same numbers as PrivateGradient(PerSample(dp, xb, yb), ...)).
                var priv = DifferentialPrivacy.PrivateGradient(dp, Loss, xb, yb, clipNorm, noiseMultiplier, noise);
                Step([.. named.Select(p => p.Value)], [.. named.Select(p => priv[p.Key])], learningRate);
            }
        }
        var (pa, pl) = Evaluate(plain, data.Test);
        var (da, dl) = Evaluate(dp, data.Test);
        return new TrainingResult(pa, da, pl, dl);
    }

    /// <summary>Accuracy and mean loss on a data set.</summary>
    public static (double Accuracy, double Loss) Evaluate(Module model, Dataset data)
    {
        using var _ = Recorder.NoGrad();
        var x = data.Features.To(model.Parameters().First().DType);
        var logits = model.Forward(x);
        var predicted = logits.ArgMax(1).ToDoubleArray();
        int correct = predicted.Where((p, i) => (int)p == data.Labels[i]).Count();
        return ((double)correct / data.Count, Loss(logits, data.LabelTensor(x.DType)).ToDoubleArray()[0]);
    }

    private static void Step(Tensor[] parameters, Tensor?[] grads, double learningRate)
    {
        using var _ = Recorder.NoGrad();
        for (int i = 0; i < parameters.Length; i++)
            if (grads[i] is { } g) parameters[i].CopyFrom(parameters[i] - g * learningRate);
    }
}
