namespace AutoGrad.Tests.Autograd;

// Tensor.RegisterGradientReadyHook: a leaf's hook fires during the walk, right after the last op using the leaf has propagated
// (Note [Gradient-ready hooks] in Differentiation/GradientReadyPlan.cs), with the pass's complete gradient.
public class GradientReadyHookTests
{
    private static Tensor V(params double[] v) => Tensor.FromArray(v);

    [Fact]
    public void Fires_during_the_walk_in_reverse_use_order_before_the_after_walk_hooks()
    {
        var w1 = V(0.5, -1).RequireGrad();
        var w2 = V(2, 3).RequireGrad();
        var x = V(1, 2);
        var events = new List<string>();
        using var r1 = w1.RegisterGradientReadyHook(_ => events.Add("w1 ready"));
        using var r2 = w2.RegisterGradientReadyHook(_ => events.Add("w2 ready"));
        using var p2 = w2.RegisterHook(_ => { events.Add("w2 hook"); return null; });
        var h = (x * w1).Tanh();
        using var hh = h.RegisterHook(_ => { events.Add("h"); return null; });
        (h * w2).Sum().Backward();
        // w2 is finished when the product's node has run, before h's node; w1 only after the first product; leaf hooks come last.
        Assert.Equal(["w2 ready", "h", "w1 ready", "w2 hook"], events);
    }

    [Fact]
    public void Sees_the_gradient_summed_over_all_uses_as_dotGrad_gets_it()
    {
        var w = V(1, 2, 3).RequireGrad();
        double[]? seen = null;
        using var r = w.RegisterGradientReadyHook(g => seen = g.ToDoubleArray());
        (w * w + w * 3.0).Sum().Backward();   // ∂/∂w = 2w + 3 over two uses
        Assert.Equal(new[] { 5.0, 7.0, 9.0 }, seen);
        Assert.Equal(new[] { 5.0, 7.0, 9.0 }, w.Grad!.ToDoubleArray());
        (w * 2.0).Sum().Backward();          // a second pass: the hook sees this pass's gradient, .Grad the sum
        Assert.Equal(new[] { 2.0, 2.0, 2.0 }, seen);
        Assert.Equal(new[] { 7.0, 9.0, 11.0 }, w.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Disposed_hook_no_longer_fires_and_non_leaves_are_refused()
    {
        var w = V(1, 2).RequireGrad();
        int calls = 0;
        var handle = w.RegisterGradientReadyHook(_ => calls++);
        (w * w).Sum().Backward();
        handle.Dispose();
        (w * w).Sum().Backward();
        Assert.Equal(1, calls);
        var e = Assert.Throws<InvalidOperationException>(() => (w * 2.0).RegisterGradientReadyHook(_ => { }));
        Assert.Contains("only a leaf that requires gradients", e.Message);
    }
}
