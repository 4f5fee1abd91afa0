using System.Diagnostics;
using AutoGrad;
using AutoGrad.Data;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace FashionMnistExample;

/// <summary>A trained Fashion-MNIST classifier and how it did on the test images.</summary>
/// <param name="ModelName">"MLP 784-128-128-10" or "CNN".</param>
/// <param name="History">Per-epoch training loss/accuracy and test loss/accuracy.</param>
/// <param name="Test">Loss, accuracy and confusion matrix on the test images.</param>
/// <param name="Seconds">Wall time of training (without loading the files).</param>
public sealed record FashionResult(string ModelName, History History, EvaluationResult Test, double Seconds)
{
    /// <summary>Mean wall time of one epoch, validation included.</summary>
    public double SecondsPerEpoch => Seconds / History.Count;
}

/// <summary>
/// The from-scratch course's final model (notes 000): dense 784→128→128→10 with ReLU, softmax cross-entropy, Adam with 1/t learning-rate decay
/// <c>η_t = η₀/(1 + βt)</c> per step, batches of 128, pixels scaled to [0, 1]; and a small CNN for comparison.
/// </summary>
public static class FashionTraining
{
    /// <summary>Adam's initial learning rate η₀ (Adam's default in the notes).</summary>
    public const double LearningRate = 0.001;

    /// <summary>The 1/t decay rate β per optimizer step (the course's <c>Optimizer_Adam(decay=1e-3)</c>).</summary>
    public const double Decay = 1e-3;

    /// <summary>The CNN's decay rate β: ten times gentler, because at 1e-3 η has fallen to a third after 4 epochs, before the CNN has converged.</summary>
    public const double CnnDecay = 1e-4;

    /// <summary>Dense 784→128→128→10 with ReLU; outputs are logits (softmax lives in the loss).</summary>
    public static Sequential Mlp(Generator generator) => new(
        new Linear(784, 128, generator), new Relu(),
        new Linear(128, 128, generator), new Relu(),
        new Linear(128, 10, generator));

    /// <summary>conv 3×3×16 → ReLU → max-pool 2 → conv 3×3×32 → ReLU → max-pool 2 → dense 800→10, for [n, 1, 28, 28] images.</summary>
    public static Sequential Cnn(Generator generator) => new(
        new Conv2d(1, 16, 3, generator), new Relu(), new MaxPool2d(2),
        new Conv2d(16, 32, 3, generator), new Relu(), new MaxPool2d(2),
        new Flatten(), new Linear(32 * 5 * 5, 10, generator));

    /// <summary>
    /// Fashion-MNIST with pixels divided by 255, as [n, 784] rows (MLP) or [n, 1, 28, 28] images (CNN); optionally only the first
    /// <paramref name="trainCount"/> training and <paramref name="testCount"/> test images.
    /// </summary>
    public static TrainTestPair Load(bool images, int? trainCount = null, int? testCount = null, string? folder = null)
    {
        return Prepare(Datasets.FashionMnist(folder), images, trainCount, testCount);
    }

    /// <summary>The same preparation applied to an already loaded Fashion-MNIST pair (pixels ÷ 255, rows or images, optional first-N subsets).</summary>
    public static TrainTestPair Prepare(TrainTestPair raw, bool images, int? trainCount = null, int? testCount = null) =>
        new(Prepare(raw.Train, images, trainCount), Prepare(raw.Test, images, testCount));

    /// <summary>Trains the MLP (or the CNN) for <paramref name="epochs"/> epochs, validating on the test set after each, and evaluates it; <paramref name="decay"/> overrides β.</summary>
    public static FashionResult Train(TrainTestPair data, bool cnn, int epochs, ulong seed = 1, ITrainingCallback? progress = null, int batchSize = 128,
        double? decay = null, IEnumerable<ITrainingCallback>? callbacks = null)
    {
        var model = cnn ? Cnn(new Generator(seed)) : Mlp(new Generator(seed));
        var trainer = new Trainer(model, Objectives.SoftmaxCrossEntropy, new Adam(model.Parameters(), LearningRate))
        {
            Schedule = new InverseTimeDecay(LearningRate, decay ?? (cnn ? CnnDecay : Decay)),
            ScheduleInterval = ScheduleInterval.Batch,
            Progress = progress,
            EvaluationBatchSize = 500,
        };
        if (callbacks is not null) trainer.Callbacks.AddRange(callbacks);
        var clock = Stopwatch.StartNew();
        using var loader = new DataLoader(data.Train, batchSize, shuffle: true, generator: new Generator(seed + 1));
        trainer.Fit(loader, epochs, data.Test);
        double seconds = clock.Elapsed.TotalSeconds;
        return new FashionResult(cnn ? "CNN" : "MLP 784-128-128-10", trainer.History, trainer.Evaluate(data.Test), seconds);
    }

    private static Dataset Prepare(Dataset data, bool images, int? count)
    {
        var part = count is int c && c < data.Count ? data.Subset(Enumerable.Range(0, c).ToArray()) : data;
        var shape = images ? new Shape(part.Count, 1, 28, 28) : new Shape(part.Count, 784);
        return part.WithFeatures(part.Features.Reshape(shape) * (1.0 / 255));
    }
}
