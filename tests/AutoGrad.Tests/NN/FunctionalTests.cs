using AutoGrad.Checking;
using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

// The layers as functions (src/AutoGrad/NN/Functional.cs): PyTorch's layouts and formulas, float64 gradient checks, and the same values
// as the modules.
public sealed class FunctionalTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(new Shape(shape), new Generator(seed), DType.Float64);

    private static void Close(Tensor expected, Tensor actual, double tol = 1e-12)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= tol * (1 + Math.Abs(e[i])), $"element {i}: {e[i]} vs {a[i]}");
    }

    [Fact]
    public void Linear_is_x_times_w_transposed_plus_b_for_every_input_rank()
    {
        var w = R(1, 3, 4);   // (out, in)
        var b = R(2, 3);
        foreach (var x in new[] { R(3, 4), R(4, 5, 4), R(5, 2, 5, 4) })
        {
            var expected = x.MatMul(w.Transpose(0, 1)) + b;
            Close(expected, F.Linear(x, w, b));
            Close(x.MatMul(w.Transpose(0, 1)), F.Linear(x, w));
        }
        Assert.True(GradCheck.Check(t => F.Linear(t[0], t[1], t[2]).Tanh().Sum(), [R(6, 5, 4), w, b]).Passed);
        Assert.Contains("F.Linear: input shape (5, 3) must end in 4 features (the weight is (out, in) = (3, 4))",
            Assert.Throws<ArgumentException>(() => F.Linear(R(7, 5, 3), w)).Message);
        Assert.Contains("the bias must be (3)", Assert.Throws<ArgumentException>(() => F.Linear(R(7, 5, 4), w, R(8, 4))).Message);
    }


    [Fact]
    public void Recurrent_cells_equal_the_modules_and_pass_gradient_checks()
    {
        const int n = 3, input = 4, hidden = 2;
        var x = R(10, n, input);
        var h = R(11, n, hidden);
        var c = R(12, n, hidden);
        var lstm = new LstmCell(input, hidden, new Generator(1), DType.Float64);
        var gru = new GruCell(input, hidden, new Generator(2), DType.Float64);
        var rnn = new RnnCell(input, hidden, new Generator(3), DType.Float64);
        // The module's weights in PyTorch's (G·H, in) and (G·H, H) layouts, whichever layout the module stores (decided by weight_ih,
        // which is not square here).
        Tensor[] W(RecurrentCell cell, int gates)
        {
            var s = cell.StateDict();
            bool torch = s["weight_ih"].Shape[0] == gates * hidden;
            Tensor L(Tensor w) => torch ? w : w.Transpose(0, 1).Clone();
            return [L(s["weight_ih"]), L(s["weight_hh"]), s["bias_ih"], s["bias_hh"]];
        }
        var wl = W(lstm, 4);
        var (h1, c1) = F.LstmCell(x, (h, c), wl[0], wl[1], wl[2], wl[3]);
        var moduleStep = lstm.Step(x, [h, c]);
        Close(moduleStep[0], h1);
        Close(moduleStep[1], c1);
        var (th, tc) = lstm.Step(x, (h, c));   // the tuple overload
        Assert.Equal(moduleStep[0].ToDoubleArray(), th.ToDoubleArray());
        Assert.Equal(moduleStep[1].ToDoubleArray(), tc.ToDoubleArray());
        var wg = W(gru, 3);
        Close(gru.Step(x, [h])[0], F.GruCell(x, h, wg[0], wg[1], wg[2], wg[3]));
        var wr = W(rnn, 1);
        Close(rnn.Step(x, [h])[0], F.RnnCell(x, h, wr[0], wr[1], wr[2], wr[3]));

        Assert.True(GradCheck.Check(t => { var (a, b) = F.LstmCell(t[0], (t[1], t[2]), t[3], t[4], t[5], t[6]); return (a * b).Sum(); }, [x, h, c, .. wl]).Passed);
        Assert.True(GradCheck.Check(t => F.GruCell(t[0], t[1], t[2], t[3], t[4], t[5]).Square().Sum(), [x, h, .. wg]).Passed);
        Assert.True(GradCheck.Check(t => F.RnnCell(t[0], t[1], t[2], t[3]).Square().Sum(), [x, h, wr[0], wr[1]]).Passed);
        Assert.Contains("F.LstmCell: weight_ih must be (8, 4) = (4·H, in), got (4, 8)",
            Assert.Throws<ArgumentException>(() => F.LstmCell(x, (h, c), R(1, 4, 8), wl[1])).Message);
    }

    [Fact]
    public void BatchNorm_normalises_updates_running_statistics_and_checks_its_inputs()
    {
        var x = R(20, 6, 3, 2);
        var mean = Tensor.Zeros(new Shape(3), DType.Float64);
        var variance = Tensor.Ones(new Shape(3), DType.Float64);
        var y = F.BatchNorm(x, mean, variance, training: true, momentum: 0.5);
        var bn = new BatchNorm1d(3, momentum: 0.5, dtype: DType.Float64);
        Assert.Equal(bn.Forward(x).ToDoubleArray(), y.ToDoubleArray());   // the module calls the function
        Assert.Equal(bn.RunningMean.ToDoubleArray(), mean.ToDoubleArray());
        Assert.Equal(bn.RunningVar.ToDoubleArray(), variance.ToDoubleArray());
        // Channel 0's running mean moved half-way to the batch mean.
        double batchMean = Enumerable.Range(0, 6).SelectMany(i => Enumerable.Range(0, 2).Select(j => x.ToDoubleArray()[i * 6 + j])).Average();
        Assert.Equal(0.5 * batchMean, mean.ToDoubleArray()[0], 12);
        Assert.True(GradCheck.Check(t => F.BatchNorm(t[0], null, null, t[1], t[2], training: true).Square().Sum(), [x, R(21, 3), R(22, 3)]).Passed);
        Assert.Contains("evaluation (training false) needs the running statistics", Assert.Throws<ArgumentException>(() => F.BatchNorm(x, null, null)).Message);
        Assert.Contains("the weight must be (3)", Assert.Throws<ArgumentException>(() => F.BatchNorm(x, mean, variance, R(1, 4))).Message);
    }

    [Fact]
    public void LayerNorm_dropout_embedding_and_conv_equal_their_modules()
    {
        var x = R(30, 2, 3, 4);
        var ln = new LayerNorm([3, 4], dtype: DType.Float64);
        Assert.Equal(ln.Forward(x).ToDoubleArray(), F.LayerNorm(x, [3, 4], ln.StateDict()["weight"], ln.StateDict()["bias"]).ToDoubleArray());
        Assert.True(GradCheck.Check(t => F.LayerNorm(t[0], [4], t[1], t[2]).Square().Sum(), [x, R(31, 4), R(32, 4)]).Passed);
        Assert.Contains("LayerNorm: input shape (2, 3) does not end in", Assert.Throws<ArgumentException>(() => F.LayerNorm(R(1, 2, 3), [4])).Message);

        var drop = new Dropout(0.3, new Generator(5));
        Assert.Equal(drop.Forward(x).ToDoubleArray(), F.Dropout(x, 0.3, training: true, new Generator(5)).ToDoubleArray());
        Assert.Same(x, F.Dropout(x, 0.3, training: false, new Generator(5)));

        var emb = new Embedding(5, 3, new Generator(6), DType.Float64);
        var ids = Tensor.FromArray(new double[] { 4, 0, 2, 2 }, 2, 2);
        Assert.Equal(emb.Forward(ids).ToDoubleArray(), F.Embedding(ids, emb.Weight).ToDoubleArray());
        Assert.Equal(new Shape(2, 2, 3), F.Embedding(ids, emb.Weight).Shape);
        Assert.Throws<IndexOutOfRangeException>(() => F.Embedding(Tensor.FromArray(new double[] { 5 }), emb.Weight));

        var conv = new Conv2d(2, 3, 3, new Generator(7), padding: 1, dtype: DType.Float64);
        var img = R(33, 1, 2, 5, 5);
        Assert.Equal(conv.Forward(img).ToDoubleArray(), F.Conv2d(img, conv.Weight, conv.Bias, 1, 1).ToDoubleArray());
    }
}
