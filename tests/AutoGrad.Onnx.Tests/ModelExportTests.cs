using AutoGrad.Differentiation;
using AutoGrad.NN;

namespace AutoGrad.Onnx.Tests;

/// <summary>Whole models exported, run in ONNX Runtime at batch sizes other than the traced one, and compared with AutoGrad.</summary>
public class ModelExportTests
{
    private static Func<int, Tensor> Inputs(params int[] rest) => b => Tensor.Randn(new Shape([b, .. rest]), new Generator((ulong)(100 + b)));

    [Fact]
    public void Mlp_matches_at_two_batch_sizes()
    {
        var g = new Generator(1);
        var model = new Sequential(new Linear(8, 16, g), new Relu(), new Linear(16, 16, g), new Tanh(), new Linear(16, 4, g), new Sigmoid());
        double worst = OnnxRuntimeCheck.ExportAndCompare(model, Inputs(8));
        Assert.InRange(worst, 0, 1e-5);
    }

    [Fact]
    public void Fashion_mnist_cnn_with_batch_norm_and_dropout_matches_in_evaluation()
    {
        var g = new Generator(2);
        var model = new Sequential(
            new Conv2d(1, 8, 3, g, padding: 1), new BatchNorm2d(8), new Relu(), new MaxPool2d(2),
            new Conv2d(8, 16, 3, g, stride: 2), new Relu(), new AvgPool2d(2, padding: 1),
            new Flatten(), new Dropout(0.5, g), new Linear(16 * 4 * 4, 10, g), new LogSoftmax());
        TrainRunningStatistics(model, Inputs(1, 28, 28));
        double worst = OnnxRuntimeCheck.ExportAndCompare(model, Inputs(1, 28, 28));
        Assert.InRange(worst, 0, 1e-5);
        Assert.False(model.Training);   // left as the caller (ExportAndCompare) set it
    }

    [Fact]
    public void Composite_layers_become_one_onnx_node_each()
    {
        var g = new Generator(8);
        var cnn = new Sequential(new Conv2d(1, 4, 3, g, padding: 1), new BatchNorm2d(4), new Relu(), new MaxPool2d(2), new Dropout(0.5, g),
            new Flatten(), new Linear(4 * 14 * 14, 10, g), new LogSoftmax());
        cnn.Eval();
        var graph = Onnx.Trace(cnn.Forward, Tensor.Randn(new Shape(2, 1, 28, 28), g), cnn.NamedParameters(), new OnnxExportOptions());
        Assert.Equal(["Conv", "BatchNormalization", "Relu", "MaxPool", "Reshape", "Gemm", "LogSoftmax"], graph.Nodes.Select(n => n.OpType));
        Assert.Equal(new long[] { 0, 784 }, Int64Initializer(graph, graph.Nodes[4].Inputs[1]));   // Flatten keeps the batch axis dynamic

        var norm = new Sequential(new Linear(4, 4, g), new LayerNorm(4));
        var graph2 = Onnx.Trace(norm.Forward, Tensor.Randn(new Shape(2, 4), g), norm.NamedParameters(), new OnnxExportOptions());
        Assert.Equal(["Gemm", "LayerNormalization"], graph2.Nodes.Select(n => n.OpType));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], graph2.Initializers.Select(i => i.Name));
        Assert.Equal("batch", graph2.Inputs[0].Dims[0].Symbol);
        Assert.Equal("batch", graph2.Outputs[0].Dims[0].Symbol);
    }

    private static long[] Int64Initializer(OnnxGraph graph, string name) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(graph.Initializers.Single(i => i.Name == name).Raw).ToArray();

    [Fact]
    public void Layer_norm_gelu_softmax_model_matches()
    {
        var g = new Generator(3);
        var model = new Sequential(new Linear(6, 12, g), new LayerNorm(12), new Gelu(), new Linear(12, 12, g),
            new Gelu(GeluApproximation.Tanh), new LayerNorm(12, elementwiseAffine: false), new Linear(12, 5, g), new Softmax());
        double worst = OnnxRuntimeCheck.ExportAndCompare(model, Inputs(6));
        Assert.InRange(worst, 0, 1e-5);
    }

    [Fact]
    public void Residual_block_matches()
    {
        var model = new ResidualBlock(10, new Generator(4));
        double worst = OnnxRuntimeCheck.ExportAndCompare(model, Inputs(10));
        Assert.InRange(worst, 0, 1e-5);
    }

    [Fact]
    public void Activations_export_through_their_primitive_ops()
    {
        var g = new Generator(5);
        var model = new Sequential(new Linear(5, 8, g), new LeakyRelu(0.2), new Linear(8, 8, g), new Elu(0.7), new Linear(8, 8, g),
            new Softplus(2.0), new Linear(8, 8, g), new Silu(), new Linear(8, 8, g), new Mish(), new Linear(8, 8, g), new Relu6(),
            new Linear(8, 8, g), new HardSwish(), new Linear(8, 8, g), new Selu());
        double worst = OnnxRuntimeCheck.ExportAndCompare(model, Inputs(5));
        Assert.InRange(worst, 0, 1e-5);
    }

    [Fact]
    public void Export_restores_each_modules_training_flag_and_names_initializers_by_state_dict()
    {
        var g = new Generator(6);
        var inner = new Sequential(new Linear(3, 3, g), new BatchNorm1d(3));
        var model = new Sequential(inner, new Dropout(0.1, g));
        model.Train();
        inner.Eval();
        var bytes = Onnx.ToBytes(model, Tensor.Randn(new Shape(4, 3), g));
        Assert.True(model.Training);
        Assert.False(inner.Training);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        foreach (var name in new[] { "0.0.weight", "0.0.bias", "0.1.running_mean", "0.1.running_var", "0.1.weight" })
            Assert.Contains(name, text);
    }

    [Fact]
    public void Export_writes_a_file_that_onnx_runtime_loads()
    {
        var g = new Generator(7);
        var model = new Sequential(new Linear(4, 2, g));
        var path = Path.Combine(Path.GetTempPath(), $"autograd-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            Onnx.Export(model, Tensor.Randn(new Shape(2, 4), g), path);
            var x = Tensor.Randn(new Shape(5, 4), g);
            Tensor expected;
            using (Recorder.NoGrad()) expected = model.Forward(x);
            Assert.InRange(OnnxRuntimeCheck.Compare(File.ReadAllBytes(path), x, expected), 0, 1e-5);
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileName(path)}.*.tmp"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    // A few training-mode passes move BatchNorm's running statistics away from 0 and 1, so evaluation really uses them.
    private static void TrainRunningStatistics(Module model, Func<int, Tensor> inputs)
    {
        model.Train();
        using (Recorder.NoGrad())
            for (int i = 0; i < 3; i++) model.Forward(inputs(8 + i) * 2.0 + 0.5);
    }

    private sealed class ResidualBlock : Module
    {
        private readonly LayerNorm _norm;
        private readonly Linear _up, _down;

        public ResidualBlock(int features, Generator g)
        {
            _norm = RegisterModule("norm", new LayerNorm(features));
            _up = RegisterModule("up", new Linear(features, 4 * features, g));
            _down = RegisterModule("down", new Linear(4 * features, features, g));
        }

        public override Tensor Forward(Tensor x) => x + _down.Forward(_up.Forward(_norm.Forward(x)).Gelu());
    }
}
