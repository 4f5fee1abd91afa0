using AutoGrad.Differentiation;
using AutoGrad.NN;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AutoGrad.Onnx.Tests;

/// <summary>Runs an exported model in ONNX Runtime and compares it with AutoGrad's own forward pass.</summary>
internal static class OnnxRuntimeCheck
{
    public const double Tolerance = 1e-5;

    /// <summary>
    /// Runs <paramref name="onnx"/> on <paramref name="input"/> (float32, or int64 token ids) in ONNX Runtime; returns the output's
    /// values and shape.
    /// </summary>
    public static (float[] Values, int[] Shape) Run(byte[] onnx, Tensor input, string inputName = "input")
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(onnx, options);
        var value = input.DType == DType.Int64
            ? NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<long>(input.ToInt64Array(), input.Shape.ToArray()))
            : NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input.ToFloatArray(), input.Shape.ToArray()));
        using var results = session.Run([value]);
        var y = results.First().AsTensor<float>();
        return (y.ToArray(), y.Dimensions.ToArray());
    }

    /// <summary>
    /// Exports <paramref name="model"/> traced at one batch size, then runs the file in ONNX Runtime at each of
    /// <paramref name="batchSizes"/> and asserts it matches AutoGrad's output in evaluation mode; returns the largest difference.
    /// </summary>
    public static double ExportAndCompare(Module model, Func<int, Tensor> makeInput, int traceBatch = 4, params int[] batchSizes)
    {
        var onnx = Onnx.ToBytes(model, makeInput(traceBatch));
        model.Eval();
        double worst = 0;
        foreach (int b in batchSizes.Length == 0 ? [3, 7] : batchSizes)
        {
            var x = makeInput(b);
            Tensor expected;
            using (Recorder.NoGrad()) expected = model.Forward(x);
            worst = Math.Max(worst, Compare(onnx, x, expected));
        }
        return worst;
    }

    /// <summary>Asserts ONNX Runtime's output for <paramref name="x"/> has <paramref name="expected"/>'s shape and values (1e-5); returns the largest difference.</summary>
    public static double Compare(byte[] onnx, Tensor x, Tensor expected)
    {
        var (values, shape) = Run(onnx, x);
        Assert.Equal(expected.Shape.ToArray(), shape);
        var want = expected.ToFloatArray();
        double worst = 0;
        for (int i = 0; i < want.Length; i++)
        {
            double diff = Math.Abs(values[i] - want[i]);
            Assert.True(diff <= Tolerance * (1 + Math.Abs(want[i])), $"element {i}: ONNX Runtime {values[i]}, AutoGrad {want[i]} (shape {expected.Shape})");
            worst = Math.Max(worst, diff);
        }
        return worst;
    }
}

/// <summary>The same check for a function traced with <see cref="Onnx.ToBytes(Func{Tensor, Tensor}, Tensor, IEnumerable{KeyValuePair{string, Tensor}}?, OnnxExportOptions?)"/>.</summary>
internal static class FunctionCheck
{
    public static double ExportAndCompare(Func<Tensor, Tensor> f, Func<int, Tensor> makeInput, int traceBatch = 4, params int[] batchSizes)
    {
        var onnx = Onnx.ToBytes(f, makeInput(traceBatch));
        double worst = 0;
        foreach (int b in batchSizes.Length == 0 ? [3, 7] : batchSizes)
        {
            var x = makeInput(b);
            Tensor expected;
            using (Recorder.NoGrad()) expected = f(x);
            worst = Math.Max(worst, OnnxRuntimeCheck.Compare(onnx, x, expected));
        }
        return worst;
    }
}
