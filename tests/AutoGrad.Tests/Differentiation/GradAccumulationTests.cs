using AutoGrad.Differentiation;

namespace AutoGrad.Tests.Autograd;

// Without createGraph, a second backward adds into the existing .Grad buffer (as PyTorch does), and ZeroGrad(false)
// keeps that buffer; the gradient a pass computed for it is then spent and may be recycled (Note [Recycled buffers]).
public class GradAccumulationTests
{
    private static Tensor Leaf(int n, ulong seed) => Tensor.Randn(new Shape(n, 8), new Generator(seed), DType.Float64).RequireGrad();

    [Fact]
    public void Second_backward_adds_into_the_same_Grad_buffer()
    {
        var a = Leaf(16, 1);
        var w = Leaf(8, 2);
        (a.MatMul(w).Tanh().Sum()).Backward();
        var grad = a.Grad!;
        var once = grad.ToDoubleArray();
        int version = grad.Version;
        (a.MatMul(w).Tanh().Sum()).Backward();
        Assert.Same(grad, a.Grad);
        Assert.True(grad.Version > version);
        Assert.Equal(once.Select(v => 2 * v), a.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ZeroGrad_false_keeps_the_buffer_and_gives_the_same_values_as_ZeroGrad_true()
    {
        var a = Leaf(16, 3);
        var b = Leaf(16, 3);
        var w = Leaf(8, 4);
        for (int step = 0; step < 5; step++)
        {
            a.ZeroGrad(setToNone: false);
            b.ZeroGrad();
            (a.MatMul(w).Sigmoid().Square().Sum()).Backward();
            (b.MatMul(w).Sigmoid().Square().Sum()).Backward();
            Assert.Equal(b.Grad!.ToDoubleArray(), a.Grad!.ToDoubleArray());
        }
    }

    [Fact]
    public void One_gradient_handed_to_two_leaves_with_existing_grads_is_added_to_both()
    {
        // Add's rule returns g twice; both leaves already hold a gradient, so g is added into both before it is spent.
        var x = Leaf(64, 5);
        var y = Leaf(64, 6);
        for (int pass = 1; pass <= 3; pass++)
        {
            ((x + y) * 3.0).Sum().Backward();
            Assert.All(x.Grad!.ToDoubleArray(), v => Assert.Equal(3.0 * pass, v));
            Assert.All(y.Grad!.ToDoubleArray(), v => Assert.Equal(3.0 * pass, v));
        }
    }

    [Fact]
    public void A_gradient_seen_by_a_leaf_hook_keeps_its_values_after_later_passes()
    {
        var x = Leaf(64, 7);
        Tensor? seen = null;
        using var handle = x.RegisterHook(g => { seen ??= g; return null; });
        (x.Exp().Sum()).Backward();
        (x.Exp().Sum()).Backward();
        var expected = x.Detach().Exp().ToDoubleArray();
        (x * 2.0).Sum().Backward();                          // more passes that recycle their own buffers
        (x.Square().Sum()).Backward();
        Assert.Equal(expected, seen!.ToDoubleArray());
    }
}
