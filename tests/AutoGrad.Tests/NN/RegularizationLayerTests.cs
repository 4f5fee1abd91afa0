using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class RegularizationLayerTests
{
    [Fact]
    public void Dropout_keeps_about_1_minus_p_and_scales_by_its_inverse()
    {
        var d = new Dropout(0.3, new Generator(42));
        var x = Tensor.Ones(new Shape(100, 100), DType.Float64);
        var y = d.Forward(x).ToDoubleArray();
        int kept = y.Count(v => v != 0);
        Assert.InRange(kept / 10000.0, 0.68, 0.72);                          // ±4.4σ around 0.7
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(1 / 0.7, v, 12));
        Assert.Equal(1.0, y.Average(), 1);                                   // inverted dropout keeps the mean
    }

    [Fact]
    public void Dropout_gradient_is_mask_over_keep_probability_and_eval_is_identity()
    {
        var d = new Dropout(0.5, new Generator(7));
        var x = Tensor.FromArray([0.3, 0.4, 0.5, 0.6]).RequireGrad();
        var y = d.Forward(x);
        y.Sum().Backward();
        var mask = d.LastMask!.ToDoubleArray();
        Assert.All(mask, m => Assert.True(m == 0 || m == 2));
        Assert.Equal(mask, x.Grad!.ToDoubleArray());
        Assert.Equal(x.ToDoubleArray().Zip(mask, (a, m) => a * m), y.ToDoubleArray());
        d.Eval();
        Assert.Same(x, d.Forward(x));
    }

    [Fact]
    public void Dropout_is_reproducible_from_the_seed()
    {
        var x = Tensor.Ones(new Shape(50));
        Assert.Equal(new Dropout(0.5, new Generator(3)).Forward(x).ToDoubleArray(), new Dropout(0.5, new Generator(3)).Forward(x).ToDoubleArray());
    }

    [Fact]
    public void BatchNorm_training_uses_batch_stats_and_updates_running_stats_with_unbiased_variance()
    {
        var bn = new BatchNorm1d(2, eps: 0, dtype: DType.Float64);
        var x = Tensor.FromArray(new double[] { 1, 10, 2, 20, 3, 30, 6, 40 }, 4, 2);
        var y = bn.Forward(x);
        // Feature 0: mean 3, biased variance (4 + 1 + 0 + 9)/4 = 3.5, unbiased 14/3.
        Assert.Equal((1 - 3) / Math.Sqrt(3.5), y[0, 0], 12);
        Assert.Equal(0.1 * 3, bn.RunningMean[0], 12);
        Assert.Equal(0.9 * 1 + 0.1 * 14 / 3.0, bn.RunningVar[0], 12);
        bn.Eval();
        var e = bn.Forward(x);
        Assert.Equal((1 - 0.3) / Math.Sqrt(0.9 + 0.1 * 14 / 3.0), e[0, 0], 12);
    }

    [Fact]
    public void BatchNorm_gradients_in_training_and_eval()
    {
        var x = Tensor.Randn(new Shape(4, 3), new Generator(1), DType.Float64);
        ModuleGradCheck.Assert(new BatchNorm1d(3), x);
        ModuleGradCheck.Assert(new BatchNorm1d(3), Tensor.Randn(new Shape(3, 3, 2), new Generator(2), DType.Float64));
        ModuleGradCheck.Assert(new BatchNorm2d(2), Tensor.Randn(new Shape(2, 2, 3, 3), new Generator(3), DType.Float64));
        var bn = new BatchNorm2d(2);
        bn.Eval();
        ModuleGradCheck.Assert(bn, Tensor.Randn(new Shape(2, 2, 2, 2), new Generator(4), DType.Float64));
    }

    [Fact]
    public void BatchNorm2d_normalises_per_channel()
    {
        var bn = new BatchNorm2d(2, eps: 0, dtype: DType.Float64);
        var y = bn.Forward(Tensor.Randn(new Shape(3, 2, 4, 4), new Generator(5), DType.Float64) * 3.0 + 2.0);
        var ch = y.Permute(1, 0, 2, 3).Reshape(2, -1);
        Assert.Equal([0.0, 0.0], ch.Mean(1).ToDoubleArray().Select(v => Math.Round(v, 10)));
        Assert.Equal([1.0, 1.0], ch.Var([1]).ToDoubleArray().Select(v => Math.Round(v, 10)));
        Assert.Equal(["weight", "bias"], bn.NamedParameters().Select(p => p.Key));
        Assert.Equal(["running_mean", "running_var", "num_batches_tracked"], bn.NamedBuffers().Select(p => p.Key));
        Assert.Equal([1L], bn.NumBatchesTracked.ToInt64Array());   // one training-mode forward so far
    }
}
