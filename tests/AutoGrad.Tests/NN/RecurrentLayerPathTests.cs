using AutoGrad.Differentiation;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.NN;

// The recurrent layers project every time step's input in one product before the loop (Note [Input projection once] in
// src/AutoGrad/NN/Recurrent.cs) and run each step's h·W_hhᵀ and its gradient against W_hh packed once per version
// (Note [Packed hidden weights] in src/AutoGrad/Ops/RecurrentOps.cs). The packed path must give the plain MatMul path's bits,
// and the layer must still be the step-by-step cell it was (checked in float64 against the cells' own unroll).
public class RecurrentLayerPathTests
{
    private static Recurrent Make(string kind, int input, int hidden, DType dtype) => kind switch
    {
        "lstm" => new Lstm(input, hidden, new Generator(5), dtype),
        "gru" => new Gru(input, hidden, new Generator(5), dtype),
        _ => new Rnn(input, hidden, new Generator(5), dtype),
    };

    // Output, final states, and the gradients of the input and every parameter of Σ y⊙r.
    private static List<double[]> Run(Recurrent layer, Tensor x, Tensor r)
    {
        layer.ZeroGrad();
        var xi = x.Detach();
        xi.RequiresGrad = true;
        var (y, state) = layer.Forward(xi, null);
        (y * r).Sum().Backward();
        return [y.ToDoubleArray(), .. state.Select(s => s.ToDoubleArray()), xi.Grad!.ToDoubleArray(), .. layer.Parameters().Select(p => p.Grad!.ToDoubleArray())];
    }

    [Theory]
    [InlineData("lstm", DType.Float32)]
    [InlineData("lstm", DType.Float64)]
    [InlineData("gru", DType.Float32)]
    [InlineData("gru", DType.Float64)]
    [InlineData("rnn", DType.Float32)]
    [InlineData("rnn", DType.Float64)]
    public void Packed_hidden_products_give_the_plain_MatMul_bits(string kind, DType dtype)
    {
        // 32 rows, H = 32: every step's forward and backward product is large enough for the packed path.
        var layer = Make(kind, 16, 32, dtype);
        var x = Tensor.Randn(new Shape(32, 5, 16), new Generator(6), dtype);
        var r = Tensor.Randn(new Shape(32, 5, 32), new Generator(7), dtype);
        int before = RecurrentOps.PackedProducts;
        var packed = Run(layer, x, r);
        Assert.Equal(5, RecurrentOps.PackedProducts - before);
        RecurrentOps.Enabled = false;
        try
        {
            var plain = Run(layer, x, r);
            Assert.Equal(5, RecurrentOps.PackedProducts - before);
            Assert.Equal(plain.Count, packed.Count);
            for (int i = 0; i < plain.Count; i++) Assert.Equal(plain[i], packed[i]);
        }
        finally
        {
            RecurrentOps.Enabled = true;
        }
    }

    [Fact]
    public void A_weight_changed_by_an_optimizer_step_is_repacked()
    {
        var layer = Make("lstm", 16, 32, DType.Float32);
        var x = Tensor.Randn(new Shape(32, 4, 16), new Generator(8));
        var r = Tensor.Randn(new Shape(32, 4, 32), new Generator(9));
        var opt = new Adam(layer.Parameters(), 0.1);
        Run(layer, x, r);
        opt.Step();
        var afterStep = Run(layer, x, r);
        RecurrentOps.Enabled = false;
        try
        {
            var plain = Run(layer, x, r);
            for (int i = 0; i < plain.Count; i++) Assert.Equal(plain[i], afterStep[i]);
        }
        finally
        {
            RecurrentOps.Enabled = true;
        }
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("rnn")]
    public void The_layer_is_its_cell_unrolled_in_float64(string kind)
    {
        // The cell adds x·W_ihᵀ + b_ih and h·W_hhᵀ + b_hh per step; the layer projects all steps at once and folds the biases,
        // so the sums agree to rounding (float64: far below 1e-12 here), values and gradients alike.
        var layer = Make(kind, 16, 32, DType.Float64);
        RecurrentCell cell = kind switch
        {
            "lstm" => new LstmCell(16, 32, new Generator(1), DType.Float64),
            "gru" => new GruCell(16, 32, new Generator(1), DType.Float64),
            _ => new RnnCell(16, 32, new Generator(1), DType.Float64),
        };
        var lp = layer.Parameters().ToArray();
        var cp = cell.Parameters().ToArray();
        using (Recorder.NoGrad())
            for (int i = 0; i < lp.Length; i++) cp[i].CopyFrom(lp[i]);
        var x = Tensor.Randn(new Shape(32, 6, 16), new Generator(10), DType.Float64);
        var r = Tensor.Randn(new Shape(32, 6, 32), new Generator(11), DType.Float64);
        var expected = Run(layer, x, r);

        cell.ZeroGrad();
        var xi = x.Detach();
        xi.RequiresGrad = true;
        var state = cell.InitialState(32);
        var outputs = new List<Tensor>();
        for (int t = 0; t < 6; t++)
        {
            state = cell.Step(xi.Select(1, t), state);
            outputs.Add(state[0]);
        }
        var y = CombineOps.Stack(outputs, 1);
        (y * r).Sum().Backward();
        List<double[]> actual = [y.ToDoubleArray(), .. state.Select(s => s.ToDoubleArray()), xi.Grad!.ToDoubleArray(), .. cp.Select(p => p.Grad!.ToDoubleArray())];
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            for (int j = 0; j < expected[i].Length; j++)
                Assert.True(Math.Abs(expected[i][j] - actual[i][j]) <= 1e-12 * (1 + Math.Abs(actual[i][j])),
                    $"{kind} result {i} element {j}: layer {expected[i][j]}, cell {actual[i][j]}");
    }
}
