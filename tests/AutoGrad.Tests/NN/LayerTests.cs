using AutoGrad.Differentiation;
using AutoGrad.NN;
using AutoGrad.Checking;

namespace AutoGrad.Tests.NN;

public class LayerTests
{
    private static Tensor Randn(ulong seed, params int[] shape) => Tensor.Randn(new Shape(shape), new Generator(seed), DType.Float64);

    [Fact]
    public void Linear_gradients() => ModuleGradCheck.Assert(new Linear(3, 2, new Generator(1)), Randn(2, 4, 3));

    [Fact]
    public void Linear_accepts_extra_batch_axes() => ModuleGradCheck.Assert(new Linear(3, 2, new Generator(1)), Randn(2, 2, 2, 3));

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    public void Conv2d_gradients(int stride, int padding) =>
        ModuleGradCheck.Assert(new Conv2d(2, 3, 3, new Generator(1), stride, padding), Randn(2, 2, 2, 5, 5));

    [Fact]
    public void Conv2d_same_padding_keeps_size_and_gradients_hold()
    {
        var conv = new Conv2d(1, 2, 3, new Generator(1), 1, PaddingMode.Same);
        Assert.Equal(new Shape(1, 2, 6, 7), conv.Forward(Tensor.Ones(new Shape(1, 1, 6, 7))).Shape);
        ModuleGradCheck.Assert(new Conv2d(1, 2, 2, new Generator(1), 1, PaddingMode.Same), Randn(3, 1, 1, 4, 4));
    }

    [Theory]
    [InlineData(28, 3, 1, 0, 26)]
    [InlineData(7, 3, 2, 1, 4)]
    [InlineData(8, 2, 2, 0, 4)]
    public void Output_size_is_floor_n_plus_2p_minus_f_over_s_plus_1(int n, int f, int s, int p, int expected)
    {
        Assert.Equal(expected, ConvolutionOps.OutputSize(n, f, s, p));
        var y = Tensor.Ones(new Shape(1, 1, n, n)).Conv2d(Tensor.Ones(new Shape(1, 1, f, f)), null, s, p);
        Assert.Equal(new Shape(1, 1, expected, expected), y.Shape);
    }

    [Fact]
    public void Conv2d_matches_a_direct_sum()
    {
        var x = Randn(4, 2, 3, 5, 4);
        var w = Randn(5, 2, 3, 2, 3);
        var b = Randn(6, 2);
        var y = x.Conv2d(w, b, stride: 2, padding: 1);
        int oh = (5 + 2 - 2) / 2 + 1, ow = (4 + 2 - 3) / 2 + 1;
        Assert.Equal(new Shape(2, 2, oh, ow), y.Shape);
        for (int n = 0; n < 2; n++)
            for (int o = 0; o < 2; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double s = b[o];
                        for (int c = 0; c < 3; c++)
                            for (int u = 0; u < 2; u++)
                                for (int v = 0; v < 3; v++)
                                {
                                    int r = i * 2 + u - 1, q = j * 2 + v - 1;
                                    if (r >= 0 && r < 5 && q >= 0 && q < 4) s += w[o, c, u, v] * x[n, c, r, q];
                                }
                        Assert.Equal(s, y[n, o, i, j], 10);
                    }
    }

    [Fact]
    public void Pooling_values_and_gradients()
    {
        var x = Tensor.FromArray(new double[] { 1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16 }, 1, 1, 4, 4);
        Assert.Equal([4.0, 8, 12, 16], x.MaxPool2d(2).ToDoubleArray());
        Assert.Equal([2.5, 6.5, 10.5, 14.5], x.AvgPool2d(2).ToDoubleArray());
        Assert.Equal([1.0, 5, 6, 9, 13, 14, 11, 15, 16], x.MaxPool2d(2, 2, 1).ToDoubleArray());   // padding counts as −∞
        var r = Randn(7, 2, 2, 5, 5);
        GradCheck.Assert(xs => xs[0].MaxPool2d(2, 1), [r]);
        GradCheck.Assert(xs => xs[0].MaxPool2d(3, 2, 1), [r]);
        GradCheck.Assert(xs => xs[0].AvgPool2d(2, 1, 1), [r]);
        ModuleGradCheck.Assert(new MaxPool2d(2), r);
        ModuleGradCheck.Assert(new AvgPool2d(3, 2), r);
    }

    [Fact]
    public void Im2Col_rows_are_windows()
    {
        var x = Tensor.Arange(9, DType.Float64).Reshape(1, 1, 3, 3);
        Assert.Equal(new double[] { 0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8 }, x.Im2Col(2, 2).ToDoubleArray());
        GradCheck.Assert(xs => xs[0].Im2Col(2, 3, 2), [Randn(8, 1, 2, 5, 5)]);
    }

    [Fact]
    public void Flatten_keeps_the_batch_axis() =>
        Assert.Equal(new Shape(2, 12), new Flatten().Forward(Tensor.Zeros(new Shape(2, 3, 2, 2))).Shape);

    [Fact]
    public void LayerNorm_normalises_each_row_and_gradients_hold()
    {
        var ln = new LayerNorm(4, eps: 0, dtype: DType.Float64);
        var y = ln.Forward(Randn(9, 3, 4));
        for (int i = 0; i < 3; i++)
        {
            var row = Enumerable.Range(0, 4).Select(j => y[i, j]).ToArray();
            Assert.Equal(0, row.Average(), 10);
            Assert.Equal(1, row.Select(v => v * v).Average(), 10);
        }
        ModuleGradCheck.Assert(new LayerNorm(4), Randn(10, 3, 4));
        ModuleGradCheck.Assert(new LayerNorm([2, 3]), Randn(11, 2, 2, 3));
    }

    [Fact]
    public void Embedding_looks_up_rows_and_scatters_gradients()
    {
        var e = new Embedding(5, 3, new Generator(1), DType.Float64);
        var idx = Tensor.FromArray(new double[] { 1, 4, 1, 0 }, 2, 2);
        var y = e.Forward(idx);
        Assert.Equal(new Shape(2, 2, 3), y.Shape);
        Assert.Equal(e.Weight[4, 2], y[0, 1, 2]);
        y.Sum().Backward();
        Assert.Equal([1.0, 1, 1, 2, 2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 1], e.Weight.Grad!.ToDoubleArray());
        ModuleGradCheck.Assert(new Embedding(5, 3, new Generator(1)), idx, checkInput: false);
    }

    [Fact]
    public void Maxout_layer_gradients() => ModuleGradCheck.Assert(new Maxout(3, 2, 3, new Generator(2)), Randn(12, 4, 3));

    [Fact]
    public void Recurrent_cells_gradients()
    {
        ModuleGradCheck.Assert(new RnnCell(3, 4, new Generator(1)), Randn(13, 2, 3));
        ModuleGradCheck.Assert(new LstmCell(3, 2, new Generator(1)), Randn(14, 2, 3));
        ModuleGradCheck.Assert(new GruCell(3, 2, new Generator(1)), Randn(15, 2, 3));
    }

    [Fact]
    public void Recurrent_layers_unroll_any_length_and_gradients_hold()
    {
        foreach (int t in new[] { 1, 3 })
        {
            ModuleGradCheck.Assert(new Rnn(2, 3, new Generator(1)), Randn(16, 2, t, 2));
            ModuleGradCheck.Assert(new Lstm(2, 2, new Generator(1)), Randn(17, 2, t, 2));
            ModuleGradCheck.Assert(new Gru(2, 2, new Generator(1)), Randn(18, 2, t, 2));
        }
        var lstm = new Lstm(2, 3, new Generator(1));
        var (y, state) = lstm.Forward(Tensor.Ones(new Shape(4, 7, 2)), null);
        Assert.Equal(new Shape(4, 7, 3), y.Shape);
        Assert.Equal(2, state.Length);
        Assert.Equal(y.Select(1, 6).ToDoubleArray(), state[0].ToDoubleArray());
    }

    [Fact]
    public void Rnn_cell_matches_its_formula()
    {
        var cell = new RnnCell(2, 2, new Generator(3), DType.Float64);
        var p = cell.NamedParameters().ToDictionary(k => k.Key, k => k.Value);
        var x = Tensor.FromArray(new double[] { 0.5, -1 }, 1, 2);
        var h = Tensor.FromArray(new double[] { 0.1, 0.2 }, 1, 2);
        var y = cell.Step(x, [h])[0];
        for (int j = 0; j < 2; j++)
        {
            double z = p["bias_ih"][j] + p["bias_hh"][j] + 0.5 * p["weight_ih"][0, j] - p["weight_ih"][1, j]
                + 0.1 * p["weight_hh"][0, j] + 0.2 * p["weight_hh"][1, j];
            Assert.Equal(Math.Tanh(z), y[0, j], 12);
        }
    }
}
