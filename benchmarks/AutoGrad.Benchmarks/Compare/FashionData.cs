using AutoGrad.Data;
using AutoGrad.Training;

namespace AutoGrad.Benchmarks.Compare;

/// <summary>
/// Fashion-MNIST as the epoch workloads use it (benchmarks/compare/torch_workloads.py prepares the same): the first
/// <c>trainCount</c> training images and <c>testCount</c> test images, as [n, 784] rows or [n, 1, 28, 28] images, pixels scaled by
/// <c>(x − shift)·scale</c>.
/// </summary>
internal static class FashionData
{
    public static TrainTestPair Load(int trainCount, int testCount, bool images, double scale, double shift)
    {
        var raw = Datasets.FashionMnist();
        return new TrainTestPair(Prepare(raw.Train, trainCount, images, scale, shift), Prepare(raw.Test, testCount, images, scale, shift));
    }

    private static Dataset Prepare(Dataset data, int count, bool images, double scale, double shift)
    {
        var part = count < data.Count ? data.Subset(Enumerable.Range(0, count).ToArray()) : data;
        var shape = images ? new Shape(part.Count, 1, 28, 28) : new Shape(part.Count, 784);
        var x = part.Features.Reshape(shape);
        return part.WithFeatures(shift == 0 ? x * scale : (x - shift) * scale);
    }

    /// <summary>Fraction of <paramref name="test"/> whose argmax output is the label (evaluation mode, batches of 1,000).</summary>
    public static double Accuracy(NN.Module model, Dataset test)
    {
        var classes = Inference.Predict(model, test.Features, 1000).Classes;
        int correct = 0;
        for (int i = 0; i < classes.Length; i++) if (classes[i] == test.Labels[i]) correct++;
        return (double)correct / classes.Length;
    }
}
