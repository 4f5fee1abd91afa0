using AutoGrad.Differentiation;
using AutoGrad.Memory;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Autograd;

// Note [Recycled buffers]: the backward pass recycles only buffers its own rules made that nothing refers to any more.
// The suite runs with MemoryTestHooks.Poison on, so a buffer recycled too early turns the values that read it into NaN.
public class BufferRecyclingTests
{
    private static Tensor Seq(int n, double scale, DType dtype = DType.Float64)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = scale * Math.Sin(0.37 * i + scale);
        return dtype == DType.Float64 ? Tensor.FromArray(v) : Tensor.FromArray(v.Select(d => (float)d).ToArray());
    }

    // A small MLP step: matmul, bias, ReLU, a reshape, softmax cross-entropy written as ops; buffers of 256+ elements.
    private static Tensor[] MlpGrads(DType dtype, int seedShift)
    {
        var x = Seq(32 * 24, 1.0 + seedShift, dtype).Reshape(32, 24);
        var w1 = Seq(24 * 16, 0.3, dtype).Reshape(24, 16).RequireGrad();
        var b1 = Seq(16, 0.1, dtype).RequireGrad();
        var w2 = Seq(16 * 10, 0.2, dtype).Reshape(16, 10).RequireGrad();
        var h = (x.MatMul(w1) + b1).Relu();
        var logits = h.Reshape(32, 16).MatMul(w2);
        var loss = -(logits.LogSoftmax(-1) * Seq(32 * 10, 0.5, dtype).Reshape(32, 10).Abs()).Sum() / 32.0;
        loss.Backward();
        return [w1.Grad!, b1.Grad!, w2.Grad!];
    }

    [Fact]
    public void The_suite_runs_with_recycled_buffers_poisoned_and_a_pass_reuses_them()
    {
        Assert.True(MemoryTestHooks.Poison);
        var x = Seq(512, 0.2).RequireGrad();
        long before = MemoryTestHooks.RecycledCount;
        (x.Exp() * x.Tanh()).Sum().Backward();                 // the products' gradients die inside the pass
        Assert.True(MemoryTestHooks.RecycledCount > before);
        var expected = x.ToDoubleArray().Select(v => Math.Exp(v) * Math.Tanh(v) + Math.Exp(v) * (1 - Math.Tanh(v) * Math.Tanh(v))).ToArray();
        var got = x.Grad!.ToDoubleArray();
        for (int i = 0; i < 512; i++) Assert.Equal(expected[i], got[i], 1e-12);
    }

    [Fact]
    public void Consecutive_passes_give_bit_identical_gradients_with_and_without_recycling()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            EngineTestHooks.RecycleBuffers = false;
            Tensor[][] plain;
            try { plain = [MlpGrads(dtype, 0), MlpGrads(dtype, 1)]; }
            finally { EngineTestHooks.RecycleBuffers = true; }
            long before = MemoryTestHooks.RecycledCount;
            Tensor[][] recycled = [MlpGrads(dtype, 0), MlpGrads(dtype, 1)];
            Assert.True(MemoryTestHooks.RecycledCount > before, "the passes recycled no buffer, so this test checks nothing");
            for (int pass = 0; pass < 2; pass++)
                for (int k = 0; k < 3; k++)
                    Assert.Equal(plain[pass][k].ToDoubleArray(), recycled[pass][k].ToDoubleArray());
            // The first pass's gradients survive the second pass reusing the pool.
            Assert.Equal(plain[0][0].ToDoubleArray(), recycled[0][0].ToDoubleArray());
        }
    }

    [Fact]
    public void A_rule_that_returns_g_itself_or_a_reshape_of_g_keeps_the_right_gradient()
    {
        // Add hands g to both inputs; Reshape returns a view of g; the sum of x's two uses must not lose either share.
        var x = Seq(128, 0.7).RequireGrad();
        var y = x.Reshape(8, 16) * 3.0;                       // its gradient g reaches x as a reshape of 3g
        var z = (y + y.Exp()).Reshape(128) + x;               // Add returns g twice
        var w = Seq(128, 0.4);
        (z * w).Sum().Backward();
        var xv = x.ToDoubleArray();
        var expected = new double[128];
        for (int i = 0; i < 128; i++) expected[i] = w.GetFlat(i) * (3 + 3 * Math.Exp(3 * xv[i]) + 1);
        var got = x.Grad!.ToDoubleArray();
        for (int i = 0; i < 128; i++) Assert.Equal(expected[i], got[i], 1e-9);
    }

    [Fact]
    public void GradCheck_passes_through_ops_whose_rules_return_views()
    {
        var x = Seq(96, 0.9).Reshape(8, 12).RequireGrad();
        GradCheck.Assert(v => (v[0].Reshape(12, 8).Transpose() * v[0].Tanh() + v[0].Reshape(96).Reshape(8, 12)).Sum(), [x]);
    }

    [Fact]
    public void Hooked_and_retained_gradients_keep_their_values_after_later_passes()
    {
        var x = Seq(256, 0.6).RequireGrad();
        var h = x * 2.0;
        Tensor? seen = null;
        using var hook = h.RegisterHook(g => { seen = g; return null; });
        var r = h.Exp().RetainGrad();
        (r * Seq(256, 0.3)).Sum().Backward();
        var seenValues = seen!.ToDoubleArray();
        var retained = r.Grad!.ToDoubleArray();
        var leaf = x.Grad!.ToDoubleArray();
        Assert.DoesNotContain(seenValues, double.IsNaN);
        for (int pass = 0; pass < 3; pass++)
        {
            var u = Seq(256, 1.1 + pass).RequireGrad();
            ((u * 2.0).Exp() * (u * 2.0).Exp() * Seq(256, 0.8)).Sum().Backward();
        }
        Assert.Equal(seenValues, seen.ToDoubleArray());
        Assert.Equal(retained, r.Grad.ToDoubleArray());
        Assert.Equal(leaf, x.Grad.ToDoubleArray());
        Assert.Equal(Seq(256, 0.3).ToDoubleArray(), retained);   // ∂L/∂r is the constant weight
    }

    [Fact]
    public void A_user_recorded_rule_may_keep_its_gradient_and_temporaries()
    {
        var x = Seq(128, 0.5).RequireGrad();
        Tensor? keptG = null, keptTemp = null;
        var y = Recorder.Record("Keep", x * 1.0, [x], g =>
        {
            keptG = g;
            keptTemp = g * 2.0;
            return [keptTemp];
        }, saved: []);
        (y.Exp() * 3.0).Sum().Backward();
        var g0 = keptG!.ToDoubleArray();
        var t0 = keptTemp!.ToDoubleArray();
        for (int pass = 0; pass < 3; pass++)
            ((Seq(128, 2.0 + pass).RequireGrad() * 1.5).Exp() * 3.0).Sum().Backward();
        Assert.Equal(g0, keptG.ToDoubleArray());
        Assert.Equal(t0, keptTemp.ToDoubleArray());
        var xv = x.ToDoubleArray();
        for (int i = 0; i < 128; i++) Assert.Equal(3 * Math.Exp(xv[i]), g0[i], 1e-9);
    }

    [Fact]
    public void Functional_grad_results_survive_later_passes()
    {
        var x = Seq(200, 0.8).RequireGrad();
        var gx = Functional.Grad([(x.Tanh() * x).Sum()], [x])[0]!;
        var values = gx.ToDoubleArray();
        for (int pass = 0; pass < 3; pass++)
        {
            var u = Seq(200, 1.3 + pass).RequireGrad();
            Functional.Grad([(u.Tanh() * u).Sum()], [u]);
        }
        Assert.Equal(values, gx.ToDoubleArray());
        var xv = x.ToDoubleArray();
        for (int i = 0; i < 200; i++) Assert.Equal((1 - Math.Tanh(xv[i]) * Math.Tanh(xv[i])) * xv[i] + Math.Tanh(xv[i]), values[i], 1e-12);
    }

    [Fact]
    public void Create_graph_passes_recycle_nothing()
    {
        var x = Seq(128, 0.4).RequireGrad();
        long before = MemoryTestHooks.RecycledCount;
        var gx = Functional.Grad([(x * x * x).Sum()], [x], createGraph: true)[0]!;
        Assert.Equal(before, MemoryTestHooks.RecycledCount);
        var ggx = Functional.Grad([gx.Sum()], [x])[0]!;          // 6x
        var xv = x.ToDoubleArray();
        var got = ggx.ToDoubleArray();
        for (int i = 0; i < 128; i++) Assert.Equal(6 * xv[i], got[i], 1e-12);
    }

    [Fact]
    public void Leaf_gradients_never_share_a_buffer_even_through_a_reshape()
    {
        // Sum hands one tensor to Add, which gives it to a and (through Reshape's rule, as a view) to b.
        var a = Seq(6, 0.5).Reshape(2, 3).RequireGrad();
        var b = Seq(6, 0.9).RequireGrad();
        (a + b.Reshape(2, 3)).Sum().Backward();
        b.Grad!.Fill(5.0);
        Assert.Equal(new double[] { 1, 1, 1, 1, 1, 1 }, a.Grad!.ToDoubleArray());
        Assert.Equal(new double[] { 5, 5, 5, 5, 5, 5 }, b.Grad.ToDoubleArray());
    }
}
