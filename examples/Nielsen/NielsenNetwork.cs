using System.Globalization;
using AutoGrad;
using AutoGrad.Differentiation;
using AutoGrad.Data;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.NN.Init;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace NielsenExample;

/// <summary>One run of Nielsen's <c>SGD</c>: the test-set score after each epoch, as <c>network.py</c> prints it.</summary>
/// <param name="Sizes">The layer sizes, e.g. [784, 30, 10].</param>
/// <param name="Correct">Correctly classified test examples after epoch j (index j, from 0 as in network.py).</param>
/// <param name="TestCount">The number of test examples.</param>
/// <param name="History">The trainer's per-epoch statistics (quadratic cost, accuracy, test cost and accuracy).</param>
/// <param name="Seconds">Wall time of training and evaluation.</param>
public sealed record NielsenResult(int[] Sizes, IReadOnlyList<int> Correct, int TestCount, History History, double Seconds)
{
    /// <summary>The test accuracy after the last epoch.</summary>
    public double FinalAccuracy => (double)Correct[^1] / TestCount;
}

/// <summary>
/// <c>network.py</c> of notes 003 (Nielsen, ch. 1) on the library: sigmoid layers, weights and biases drawn from N(0, 1), the quadratic cost
/// <c>C = (1/2m) Σₓ ‖y(x) − a‖²</c> and mini-batch SGD <c>w ← w − (η/m) Σₓ ∂Cₓ/∂w</c> — the tape supplies the gradients Nielsen's
/// <c>backprop</c> computes by hand.
/// </summary>
public static class NielsenNetwork
{
    /// <summary>Nielsen's <c>Network(sizes)</c>: Linear + sigmoid per layer, weights and biases N(0, 1).</summary>
    public static Sequential Build(int[] sizes, Generator generator)
    {
        var layers = new List<Module>();
        for (int l = 1; l < sizes.Length; l++)
        {
            var dense = new Linear(sizes[l - 1], sizes[l], generator, init: Initializers.StandardNormal);
            // network.py draws the biases from N(0, 1) too; the library starts them at zero.
            using (Recorder.NoGrad()) dense.Bias!.CopyFrom(Tensor.Randn(new Shape(sizes[l]), generator));
            layers.Add(dense);
            layers.Add(new Sigmoid());
        }
        return new Sequential(layers.ToArray());
    }

    /// <summary>
    /// <c>net.SGD(training_data, epochs, mini_batch_size, eta, test_data)</c>: shuffled mini-batches, one SGD step each, then the number of
    /// test examples whose largest output is the label, written as <c>Epoch j: k / n</c>.
    /// </summary>
    public static NielsenResult Sgd(Dataset train, Dataset test, int[] sizes, int epochs, int miniBatchSize, double eta, ulong seed, TextWriter? output,
        ITrainingCallback? callback = null)
    {
        var start = DateTime.UtcNow;
        var model = Build(sizes, new Generator(seed));
        var trainer = new Trainer(model, QuadraticCost, new Sgd(model.Parameters(), eta)) { Progress = null, EvaluationBatchSize = 1000 };
        var correct = new List<int>();
        trainer.Callbacks.Add(new LambdaCallback
        {
            EpochEnd = (_, r) =>
            {
                int k = (int)Math.Round(r.ValidationAccuracy * test.Count);
                correct.Add(k);
                output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Epoch {r.Epoch - 1}: {k} / {test.Count}   (training cost {r.TrainLoss:0.0000}, {r.Seconds:0.0} s)"));
                output?.Flush();
            },
        });
        if (callback is not null) trainer.Callbacks.Add(callback);
        using var loader = new DataLoader(train, miniBatchSize, shuffle: true, generator: new Generator(seed + 1));
        trainer.Fit(loader, epochs, test);
        return new NielsenResult(sizes, correct, test.Count, trainer.History, (DateTime.UtcNow - start).TotalSeconds);
    }

    /// <summary>The quadratic cost of the sigmoid outputs against one-hot labels, <c>(1/2m) Σₓ ‖y(x) − a‖²</c>.</summary>
    public static Tensor QuadraticCost(Tensor a, Batch batch) => a.QuadraticCost(batch.OneHotLabels(a.DType));

    /// <summary>
    /// MNIST-format IDX data as <c>mnist_loader</c> gives it: images flattened to 784 values in [0, 1], the first <paramref name="trainCount"/>
    /// training images (Nielsen keeps 50,000 and sets 10,000 aside for validation) and the first <paramref name="testCount"/> test images.
    /// </summary>
    /// <param name="folder">A folder of MNIST IDX files; null for Fashion-MNIST (<see cref="Datasets.FashionMnist(string?)"/>).</param>
    public static TrainTestPair LoadIdx(string? folder, int trainCount = 50_000, int testCount = 10_000)
    {
        var pair = folder is null ? Datasets.FashionMnist() : Datasets.Mnist(folder);
        return new TrainTestPair(Flatten(pair.Train, trainCount), Flatten(pair.Test, testCount));
    }

    /// <summary>The bundled 8×8 digits, pixels 0…16 scaled to [0, 1], split into training and held-out examples (stratified, seeded).</summary>
    public static TrainTestPair Digits(double testFraction = 0.25, ulong seed = 3)
    {
        var data = Datasets.Digits();
        data = data.WithFeatures(data.Features * (1.0 / 16));
        return Splits.TrainTest(data, testFraction, new Generator(seed), stratify: true);
    }

    private static Dataset Flatten(Dataset data, int count)
    {
        var part = count < data.Count ? data.Subset(Enumerable.Range(0, count).ToArray()) : data;
        return part.WithFeatures(part.Features.Reshape(part.Count, 784) * (1.0 / 255));
    }
}
