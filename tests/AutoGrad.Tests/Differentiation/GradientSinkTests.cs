using AutoGrad.Differentiation;

namespace AutoGrad.Tests.Autograd;

// Note [Gradient sinks]: MatMul may accumulate a leaf's gradient straight into its existing .Grad. The sums must equal those
// of the ordinary path, and a refused pass must leave every .Grad as it was.
public class GradientSinkTests
{
    private static Tensor Seq(int rows, int cols, double scale) =>
        Tensor.FromArray(Enumerable.Range(0, rows * cols).Select(i => scale * Math.Sin(0.3 * i + scale)).ToArray(), [rows, cols]);

    // Two passes of x·W (+ a second use of W through an Add), with and without gradient sinks (a hook on an intermediate
    // turns them off for the pass).
    private static double[] TwoPasses(bool sinks)
    {
        var x = Seq(20, 12, 0.7);
        var w = Seq(12, 9, 0.4).RequireGrad();
        for (int pass = 0; pass < 2; pass++)
        {
            var y = x.MatMul(w);
            if (!sinks) y.RegisterHook(g => g);
            ((y * y).Sum() + (w * 3.0).Sum()).Backward();
        }
        return w.Grad!.ToDoubleArray();
    }

    [Fact]
    public void Accumulating_into_Grad_gives_the_same_sums_as_adding_afterwards()
    {
        long before = EngineTestHooks.SunkCount;
        var plain = TwoPasses(sinks: false);
        Assert.Equal(before, EngineTestHooks.SunkCount);                 // a hook in the pass: no sinks
        var sunk = TwoPasses(sinks: true);
        Assert.Equal(before + 1, EngineTestHooks.SunkCount);             // the second pass sank W's product (the first had no .Grad)
        for (int i = 0; i < plain.Length; i++) Assert.Equal(plain[i], sunk[i], 1e-12);
        // And both equal 2·(2·xᵀ(xW) + 3).
        var x = Seq(20, 12, 0.7);
        var w = Seq(12, 9, 0.4);
        var expected = ((x.Transpose(0, 1).MatMul(x.MatMul(w)) * 2.0 + 3.0) * 2.0).ToDoubleArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], sunk[i], 1e-10);
    }

    [Fact]
    public void A_pass_refused_for_an_in_place_change_leaves_Grad_unchanged()
    {
        var x = Seq(6, 5, 0.3).RequireGrad();
        var w = Seq(5, 4, 0.2).RequireGrad();
        x.Exp().MatMul(w).Sum().Backward();                     // w.Grad exists: the next pass could sink into it
        var before = w.Grad!.ToDoubleArray();
        var h = x.Exp();
        var loss = (h + 1.0).MatMul(w).Sum();                   // backward meets MatMul (w's sink; it saved h + 1) before Exp
        h.Detach().Fill(0);                                     // Exp's rule needs h as it was
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("modified in place", e.Message);
        Assert.Equal(before, w.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Grad_asks_for_the_product_and_gets_a_new_buffer_leaving_Grad_alone()
    {
        var x = Seq(6, 5, 0.3);
        var w = Seq(5, 4, 0.2).RequireGrad();
        x.MatMul(w).Sum().Backward();                           // w.Grad exists, so a Backward pass could sink into it
        var before = w.Grad!.ToDoubleArray();
        long sunk = EngineTestHooks.SunkCount;
        var g = Functional.Grad(x.MatMul(w).Sum(), w)[0]!;      // the keep-set pass: the engine makes the product anew
        Assert.Equal(sunk, EngineTestHooks.SunkCount);
        Assert.Equal(before, w.Grad!.ToDoubleArray());
        Assert.NotSame(w.Grad, g);
        // ∂Σ(xW)/∂W = xᵀ·1: every column holds the row sums of xᵀ, i.e. the column sums of x.
        var xs = x.ToDoubleArray();
        var got = g.ToDoubleArray();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(Enumerable.Range(0, 6).Sum(r => xs[r * 5 + i]), got[i * 4 + j], 1e-12);
        Assert.Equal(got, before);                              // and the first pass put the same sum into .Grad
    }

    // Note [Scattered view gradients]: u is read through one Select per column (the unrolled-recurrence pattern) and also
    // through two ops whose rule hands one gradient tensor to both inputs (Add): the in-place scatters must go only into
    // sums the pass made itself, and give the analytic gradient.
    private static double[] ViewsAndSharedGradient(bool sinks)
    {
        var p = Seq(3, 6, 0.5).RequireGrad();
        var u1 = p * 1.0;
        var u2 = p * 3.0;
        var views = Enumerable.Range(0, 6).Select(k => u1.Select(1, k).Sum() * (k + 1.0)).Aggregate((a, b) => a + b);
        var s = u1 + u2;   // Add's rule returns its gradient for both inputs
        if (!sinks) s.RegisterHook(g => g);
        var more = Enumerable.Range(0, 6).Select(k => u1.Select(1, k).Sum() * 10.0).Aggregate((a, b) => a + b);
        (views + s.Sum() + more).Backward();
        return p.Grad!.ToDoubleArray();
    }

    [Fact]
    public void Views_scatter_into_the_running_sum_in_place_with_the_same_values()
    {
        long before = EngineTestHooks.ScatterSunkCount;
        var plain = ViewsAndSharedGradient(sinks: false);
        Assert.Equal(before, EngineTestHooks.ScatterSunkCount);            // a hook in the pass: no sinks
        var sunk = ViewsAndSharedGradient(sinks: true);
        Assert.True(EngineTestHooks.ScatterSunkCount >= before + 10, $"{EngineTestHooks.ScatterSunkCount - before} view gradients sunk");
        // ∂/∂p[i, k] = 1·((k + 1) + 1 + 10) + 3·1 through u1 and u2.
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 6; k++)
            {
                Assert.Equal(k + 15.0, plain[i * 6 + k], 1e-12);
                Assert.Equal(k + 15.0, sunk[i * 6 + k], 1e-12);
            }
    }
}
