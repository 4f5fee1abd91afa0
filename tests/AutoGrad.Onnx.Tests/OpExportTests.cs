using AutoGrad.NN;

namespace AutoGrad.Onnx.Tests;

/// <summary>Single ops and small compositions traced as functions, checked in ONNX Runtime at batch sizes other than the traced one.</summary>
public class OpExportTests
{
    private static Func<int, Tensor> Inputs(params int[] rest) => b => Tensor.Randn(new Shape([b, .. rest]), new Generator((ulong)(200 + b)));

    private static Tensor Param(Generator g, params int[] dims) => Tensor.Randn(new Shape(dims), g).RequireGrad();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Product_uses_the_tapes_transpose_flag_not_a_layout(bool transB)
    {
        // A square weight: the layout cannot be told from shapes, only from the product's own flag (Linear in (in, out) or (out, in)).
        var g = new Generator(11);
        var w = Param(g, 6, 6);
        var b = Param(g, 6);
        Func<Tensor, Tensor> f = x => LinearAlgebraOps.MatMul(x, w, false, transB, b);
        Assert.InRange(FunctionCheck.ExportAndCompare(f, Inputs(6)), 0, 1e-5);
    }

    [Fact]
    public void Batched_attention_written_in_ops_matches()
    {
        var g = new Generator(12);
        var (wq, wk, wv) = (Param(g, 8, 8), Param(g, 8, 8), Param(g, 8, 8));
        Func<Tensor, Tensor> f = x =>
        {
            var q = x.MatMul(wq);
            var k = x.MatMul(wk);
            var scores = q.MatMul(k.Transpose(-2, -1)) / Math.Sqrt(8);
            return scores.Softmax(-1).MatMul(x.MatMul(wv));
        };
        Assert.InRange(FunctionCheck.ExportAndCompare(f, Inputs(5, 8)), 0, 1e-5);
    }

    [Fact]
    public void Shape_ops_keep_the_batch_axis_dynamic()
    {
        var g = new Generator(13);
        var w = Param(g, 12, 3);
        Func<Tensor, Tensor> f = x =>
        {
            var flat = x.Reshape([x.Shape[0], 12]);                      // (B, 3, 4) → (B, 12)
            var rows = flat.Reshape([x.Shape[0] * 4, 3]).Sigmoid();       // batch merged: -1
            var back = rows.Reshape([x.Shape[0], 4, 3]);                  // and split again
            var permuted = back.Permute([0, 2, 1]);                        // (B, 3, 4)
            var sliced = permuted.Slice(2, 1, 4, 2);                       // (B, 3, 2)
            var picked = x.Select(1, 2);                                   // (B, 4)
            var joined = CombineOps.Concat([sliced.Reshape([x.Shape[0], 6]), picked, flat.MatMul(w)], 1);
            return joined.Unsqueeze(1).Squeeze(1);
        };
        Assert.InRange(FunctionCheck.ExportAndCompare(f, Inputs(3, 4)), 0, 1e-5);
    }

    [Fact]
    public void Reductions_and_scalar_ops_match()
    {
        var g = new Generator(14);
        var w = Param(g, 5);
        Func<Tensor, Tensor> f = x =>
        {
            var y = (x * w + 1.5).Pow(2.0) / 3.0 - 0.25;
            var s = y.Sum(1, keepDims: true) + y.Mean(1, keepDims: true) * 2.0;
            var m = (y - s).Clamp(-1.0, 4.0).Exp().Sqrt().Abs().Log();
            return m.LogSoftmax(1) + m.Softmax(0).Sum([0], keepDims: true);
        };
        Assert.InRange(FunctionCheck.ExportAndCompare(f, Inputs(5)), 0, 1e-5);
    }

    [Fact]
    public void Softmax_along_a_middle_axis_is_one_node()
    {
        var w = Param(new Generator(15), 4, 1);
        Func<Tensor, Tensor> f = x => (x + w).Softmax(1).LogSoftmax(-2);
        Assert.InRange(FunctionCheck.ExportAndCompare(f, Inputs(4, 3)), 0, 1e-5);
    }

    [Fact]
    public void A_model_that_returns_its_input_exports_as_identity()
    {
        var bytes = Onnx.ToBytes(new Identity(), Tensor.Randn(new Shape(2, 3), new Generator(16)));
        var x = Tensor.Randn(new Shape(4, 3), new Generator(17));
        Assert.Equal(0, OnnxRuntimeCheck.Compare(bytes, x, x));
    }
}

/// <summary>Values a forward pass computes from detached or no-grad tensors stay in the graph instead of becoming constants.</summary>
public class DetachedValueExportTests
{
    private static Func<int, Tensor> Inputs(params int[] rest) => b => Tensor.Randn(new Shape([b, .. rest]), new Generator((ulong)(300 + b)));

    [Fact]
    public void Reductions_shifted_by_a_detached_maximum_match()
    {
        var w = Tensor.Randn(new Shape(6), new Generator(41)).RequireGrad();
        Func<Tensor, Tensor> f = x =>
        {
            var z = x * w;
            return z.LogSumExp(1) + z.Var([1]) + z.Std([1], unbiased: true);
        };
        Assert.InRange(FunctionCheck.ExportAndCompare(f, Inputs(6)), 0, 1e-5);
    }

    [Fact]
    public void Step_computed_under_no_grad_from_a_detached_input_follows_the_input()
    {
        var g = new Generator(42);
        var model = new AutoGrad.NN.Sequential(new AutoGrad.NN.Linear(4, 6, g), new AutoGrad.NN.Heaviside());
        Assert.Equal(0.0, OnnxRuntimeCheck.ExportAndCompare(model, Inputs(4)));
    }
}
