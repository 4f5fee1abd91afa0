using AutoGrad;
using AutoGrad.Differentiation;
using AutoGrad.Data;
using AutoGrad.NN;
using AutoGrad.Onnx;
using AutoGrad.Optim;
using AutoGrad.Training;
using FashionMnistExample;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = AutoGrad.Tensor;

namespace OnnxExportExample;

/// <summary>What the export round trip measured: accuracy in both engines and how far their outputs are apart.</summary>
/// <param name="TestImages">How many test images both engines classified.</param>
/// <param name="AutoGradAccuracy">AutoGrad's test accuracy.</param>
/// <param name="OnnxAccuracy">ONNX Runtime's test accuracy on the exported file.</param>
/// <param name="SamePredictions">Images on which both engines predict the same class.</param>
/// <param name="MaxAbsDifference">Largest difference between the two engines' logits.</param>
/// <param name="MaxRelativeDifference">Largest <c>|onnx − autograd| / (1 + |autograd|)</c> over the logits.</param>
/// <param name="FileBytes">Size of the .onnx file.</param>
public sealed record OnnxRoundTrip(int TestImages, double AutoGradAccuracy, double OnnxAccuracy, int SamePredictions, double MaxAbsDifference, double MaxRelativeDifference, long FileBytes);

/// <summary>Trains the Fashion-MNIST CNN briefly, exports it to ONNX, and runs the file in ONNX Runtime next to AutoGrad.</summary>
public static class OnnxDeployment
{
    /// <summary>The FashionMnist example's CNN (it outputs logits), trained as that example trains it, for <paramref name="epochs"/> epochs.</summary>
    public static Sequential Train(TrainTestPair data, int epochs, ulong seed = 1)
    {
        var model = FashionTraining.Cnn(new Generator(seed));
        var trainer = new Trainer(model, Objectives.SoftmaxCrossEntropy, new Adam(model.Parameters(), FashionTraining.LearningRate))
        {
            Schedule = new InverseTimeDecay(FashionTraining.LearningRate, FashionTraining.CnnDecay),
            ScheduleInterval = ScheduleInterval.Batch,
        };
        using var loader = new DataLoader(data.Train, 128, shuffle: true, generator: new Generator(seed + 1));
        trainer.Fit(loader, epochs);
        return model;
    }

    /// <summary>Exports <paramref name="model"/> to <paramref name="path"/>, then classifies <paramref name="test"/> with both engines in batches of 500.</summary>
    public static OnnxRoundTrip ExportAndCompare(Module model, Dataset test, string path)
    {
        Onnx.Export(model, test.Features.Slice(0, 0, 2), path);   // traced on 2 images; the batch axis stays dynamic
        using var session = new InferenceSession(path);
        int n = test.Count, autogradRight = 0, onnxRight = 0, same = 0;
        double worst = 0, worstRelative = 0;
        for (int start = 0; start < n; start += 500)
        {
            var x = test.Features.Slice(0, start, Math.Min(n, start + 500));
            Tensor expected;
            using (Recorder.NoGrad()) expected = model.Forward(x);
            var input = new DenseTensor<float>(x.ToFloatArray(), x.Shape.ToArray());
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
            var got = results.First().AsTensor<float>().ToArray();
            var want = expected.ToFloatArray();
            for (int i = 0; i < want.Length; i++)
            {
                double d = Math.Abs(got[i] - want[i]);
                worst = Math.Max(worst, d);
                worstRelative = Math.Max(worstRelative, d / (1 + Math.Abs(want[i])));
            }
            for (int r = 0; r < x.Shape[0]; r++)
            {
                int a = ArgMax(want.AsSpan(r * 10, 10)), o = ArgMax(got.AsSpan(r * 10, 10));
                if (a == test.Labels[start + r]) autogradRight++;
                if (o == test.Labels[start + r]) onnxRight++;
                if (a == o) same++;
            }
        }
        return new OnnxRoundTrip(n, (double)autogradRight / n, (double)onnxRight / n, same, worst, worstRelative, new FileInfo(path).Length);
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++)
            if (row[i] > row[best]) best = i;
        return best;
    }
}
