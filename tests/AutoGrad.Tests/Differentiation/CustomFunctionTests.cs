using AutoGrad.Differentiation;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Autograd;

public class CustomFunctionTests
{
    private static Tensor R(int n, ulong seed) => Tensor.Randn(new Shape(n), new Generator(seed), DType.Float64);

    // softplus(x) = log(1 + eˣ), softplus'(x) = σ(x): written as a custom op with its rule in Tensor ops.
    private static Tensor Softplus(Tensor x) => CustomFunction.Apply("MySoftplus", x,
        t => (t.Exp() + 1.0).Log(),
        (t, _, g) => g * t.Sigmoid());

    [Fact]
    public void Custom_op_is_recorded_and_differentiates()
    {
        var x = R(4, 1).RequireGrad();
        var y = Softplus(x);
        Assert.Equal("MySoftplus", y.GradFn!.Op);
        y.Sum().Backward();
        for (int i = 0; i < 4; i++) Assert.Equal(1 / (1 + Math.Exp(-x[i])), x.Grad![i], 12);
        Assert.True(GradCheck.Check(t => Softplus(t[0]), [R(5, 2)]).Passed);
        Assert.True(GradGradCheck.Check(t => Softplus(t[0]), [R(5, 3)]).Passed);
    }

    [Fact]
    public void A_wrong_backward_is_caught_with_a_readable_report()
    {
        // Deliberately wrong: d/dx x³ written as 2x² instead of 3x².
        static Tensor Cube(Tensor x) => CustomFunction.Apply("WrongCube", x, t => t.Pow(3), (t, _, g) => g * 2.0 * t.Square());
        var x = Tensor.FromArray(new double[] { 0.5, -1.0, 2.0 });
        var r = GradCheck.Check(t => Cube(t[0]), [x]);
        Assert.False(r.Passed);
        Assert.Equal(0, r.InputIndex);
        Assert.Equal(2, r.ElementIndex);                      // the largest error is at x = 2: 8 vs 12
        Assert.Equal(8.0, r.Analytical, 9);
        Assert.Equal(12.0, r.Numerical, 5);
        Assert.Contains("GradCheck FAILED", r.Report);
        Assert.Contains("input 0 (3,) element 2 [2]", r.Report);
        Assert.Contains("<-- worst", r.Report);
    }

    [Fact]
    public void Two_input_custom_op_may_leave_an_input_without_gradient()
    {
        var a = R(3, 4).RequireGrad();
        var b = R(3, 5).RequireGrad();
        var y = CustomFunction.Apply("ScaleBy", a, b, (p, q) => p * q.Detach(), (p, q, _, g) => (g * q, null));
        y.Sum().Backward();
        Assert.Equal(b.ToDoubleArray(), a.Grad!.ToDoubleArray());
        Assert.Null(b.Grad);
    }

    [Fact]
    public void A_backward_of_the_wrong_shape_names_the_op()
    {
        var x = R(3, 6).RequireGrad();
        var y = CustomFunction.Apply("BadShape", x, t => t * 2.0, (_, _, g) => g.Sum().Reshape(1, 1, 1));
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("BadShape", e.Message);
    }
}
