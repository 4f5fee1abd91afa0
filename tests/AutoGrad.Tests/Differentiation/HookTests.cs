using AutoGrad.Differentiation;

namespace AutoGrad.Tests.Autograd;

public class HookTests
{
    private static Tensor V(params double[] v) => Tensor.FromArray(v);

    [Fact]
    public void Leaf_hook_sees_the_summed_gradient_and_can_inspect_without_changing_it()
    {
        var x = V(1, 2, 3).RequireGrad();
        double[]? seen = null;
        using var h = x.RegisterHook(g => { seen = g.ToDoubleArray(); return null; });
        (x * x + x * 3.0).Sum().Backward();                   // ∂/∂x = 2x + 3, summed over two uses
        Assert.Equal(new[] { 5.0, 7.0, 9.0 }, seen);
        Assert.Equal(new[] { 5.0, 7.0, 9.0 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Hook_that_returns_a_tensor_replaces_the_gradient()
    {
        var x = V(1, -2, 3).RequireGrad();
        using var h = x.RegisterHook(g => g.Clamp(-1, 1));
        (x.Square() * 2.0).Sum().Backward();                  // 4x = (4, −8, 12), clipped to ±1
        Assert.Equal(new[] { 1.0, -1.0, 1.0 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Hook_on_a_non_leaf_changes_what_flows_to_earlier_tensors()
    {
        var x = V(1, 2).RequireGrad();
        var h = x * 3.0;                                      // non-leaf
        var calls = 0;
        using var handle = h.RegisterHook(g => { calls++; return g * 10.0; });
        (h * h).Sum().Backward();                             // ∂L/∂h = 2h = (6, 12) → ×10 → ×3 to x
        Assert.Equal(1, calls);
        Assert.Equal(new[] { 180.0, 360.0 }, x.Grad!.ToDoubleArray());
        Assert.Null(h.Grad);                                  // a hook does not retain the gradient
    }

    [Fact]
    public void Removed_hook_no_longer_runs()
    {
        var x = V(2).RequireGrad();
        var calls = 0;
        var handle = x.RegisterHook(g => { calls++; return g * 0.0; });
        (x * 5.0).Sum().Backward();
        Assert.Equal(1, calls);
        Assert.Equal(0.0, x.Grad![0]);
        handle.Dispose();
        x.ZeroGrad();
        (x * 5.0).Sum().Backward();
        Assert.Equal(1, calls);
        Assert.Equal(5.0, x.Grad![0]);
    }

    [Fact]
    public void Several_hooks_run_in_registration_order_each_seeing_the_previous_result()
    {
        var x = V(1).RequireGrad();
        var log = new List<string>();
        using var a = x.RegisterHook(g => { log.Add($"a:{g[0]}"); return g + 1.0; });
        using var b = x.RegisterHook(g => { log.Add($"b:{g[0]}"); return g * 2.0; });
        using var c = x.RegisterHook(g => { log.Add($"c:{g[0]}"); return null; });
        (x * 3.0).Sum().Backward();
        Assert.Equal(new[] { "a:3", "b:4", "c:8" }, log);
        Assert.Equal(8.0, x.Grad![0]);
    }

    [Fact]
    public void Hooks_apply_to_functional_grad_and_reject_a_wrong_shape()
    {
        var x = V(1, 2).RequireGrad();
        using (x.RegisterHook(g => g * -1.0))
        {
            var g = Functional.Grad([(x * x).Sum()], [x])[0]!;
            Assert.Equal(new[] { -2.0, -4.0 }, g.ToDoubleArray());
        }
        using var bad = x.RegisterHook(_ => V(1, 2, 3));
        var e = Assert.Throws<InvalidOperationException>(() => x.Sum().Backward());
        Assert.Contains("shape (3,)", e.Message);
    }
}
