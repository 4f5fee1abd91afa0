using AutoGrad.NN;

namespace AutoGrad.Onnx.Tests;

/// <summary>
/// Rnn, Lstm and Gru exported as ONNX's RNN, LSTM and GRU nodes (Note [Recurrent layers in ONNX] in
/// src/AutoGrad.Onnx/GraphBuilder.Described.cs), run in ONNX Runtime at batch sizes other than the traced one.
/// </summary>
public class RecurrentExportTests
{
    private static Func<int, Tensor> Inputs(params int[] rest) => b => Tensor.Randn(new Shape([b, .. rest]), new Generator((ulong)(800 + b)));

    public static TheoryData<string> Layers() => ["Rnn", "Lstm", "Gru"];

    private static Recurrent Build(string kind, Generator g) => kind switch
    {
        "Rnn" => new Rnn(3, 5, g),
        "Lstm" => new Lstm(3, 5, g),
        _ => new Gru(3, 5, g),
    };

    [Theory, MemberData(nameof(Layers))]
    public void Layer_is_one_onnx_node_and_matches(string kind)
    {
        var layer = Build(kind, new Generator(51));
        Assert.InRange(OnnxRuntimeCheck.ExportAndCompare(layer, Inputs(6, 3)), 0, 1e-5);

        var graph = Onnx.Trace(layer.Forward, Inputs(6, 3)(2), layer.NamedParameters(), new OnnxExportOptions());
        Assert.Single(graph.Nodes, n => n.OpType == kind.ToUpperInvariant());
        Assert.DoesNotContain(graph.Nodes, n => n.OpType is "Sigmoid" or "Tanh" or "Gemm" or "MatMul");   // not unrolled
        Assert.Equal(["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"], graph.Initializers.Where(i => !i.Name.StartsWith("const_", StringComparison.Ordinal)).Select(i => i.Name));
    }

    [Theory, MemberData(nameof(Layers))]
    public void Classifier_on_the_final_hidden_state_matches(string kind)
    {
        var model = new LastStateClassifier(Build(kind, new Generator(52)), new Linear(5, 4, new Generator(53)));
        Assert.InRange(OnnxRuntimeCheck.ExportAndCompare(model, Inputs(7, 3)), 0, 1e-5);
    }

    [Fact]
    public void Lstm_final_cell_state_is_the_nodes_y_c_output()
    {
        var lstm = new Lstm(3, 5, new Generator(56));
        Func<Tensor, Tensor> f = x => lstm.Forward(x, null).State[1];
        Assert.InRange(FunctionCheck.ExportAndCompare(f, Inputs(6, 3)), 0, 1e-5);
        var graph = Onnx.Trace(f, Inputs(6, 3)(2), null, new OnnxExportOptions());
        Assert.Equal(3, graph.Nodes.Single(n => n.OpType == "LSTM").Outputs.Length);
        Assert.DoesNotContain(graph.Nodes, n => n.OpType is "Sigmoid" or "MatMul" or "Gemm");   // not traced through the unrolled cells
    }

    [Theory, MemberData(nameof(Layers))]
    public void Given_initial_states_become_initial_h_and_c(string kind)
    {
        var layer = Build(kind, new Generator(54));
        var g = new Generator(55);
        var state = Enumerable.Range(0, layer.StateCount).Select(_ => Tensor.Randn(new Shape(2, 5), g)).ToArray();
        Func<Tensor, Tensor> f = x => layer.Forward(x, state).Output;
        var x = Inputs(4, 3)(2);
        var onnx = Onnx.ToBytes(f, x, options: new OnnxExportOptions { DynamicBatch = false });   // the states fix the batch
        Assert.InRange(OnnxRuntimeCheck.Compare(onnx, x, f(x).Detach()), 0, 1e-5);
    }

    private sealed class LastStateClassifier : Module
    {
        private readonly Recurrent _rnn;
        private readonly Linear _head;

        public LastStateClassifier(Recurrent rnn, Linear head)
        {
            _rnn = RegisterModule("rnn", rnn);
            _head = RegisterModule("head", head);
        }

        public override Tensor Forward(Tensor x) => _head.Forward(_rnn.Forward(x, null).State[0]).LogSoftmax(-1);
    }
}
