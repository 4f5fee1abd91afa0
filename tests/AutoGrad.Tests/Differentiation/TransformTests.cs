using AutoGrad.Differentiation;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Autograd;

public class TransformTests
{
    private static readonly Generator Gen = new(7);

    private static Tensor R(params int[] shape) => Tensor.Randn(new Shape(shape), new Generator((ulong)shape.Sum() * 31 + 5), DType.Float64);

    [Fact]
    public void Hessian_of_a_quadratic_form_is_A_plus_A_transpose()
    {
        var a = R(4, 4);
        var h = Functional.Hessian(x => x.MatMul(a).Dot(x), R(4));
        var expected = a + a.Transpose();
        Assert.Equal(new Shape(4, 4), h.Shape);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) Assert.Equal(expected[i, j], h[i, j], 10);
    }

    [Fact]
    public void Jacobian_of_elementwise_tanh_is_diagonal()
    {
        var x = R(3);
        var j = Functional.Jacobian(t => t.Tanh(), x);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                Assert.Equal(r == c ? 1 - Math.Pow(Math.Tanh(x[r]), 2) : 0, j[r, c], 12);
    }

    [Fact]
    public void Jacobian_matches_finite_differences()
    {
        var w = R(3, 2);
        Func<Tensor, Tensor> f = t => t.MatMul(w).Sigmoid() * t.Sum();
        var x = R(2, 3);
        var j = Functional.Jacobian(f, x);                 // shape (2, 2, 2, 3)
        Assert.Equal(new Shape(2, 2, 2, 3), j.Shape);
        const double eps = 1e-6;
        for (int e = 0; e < x.Size; e++)
        {
            var xp = x.Clone(); xp.SetFlat(e, x.GetFlat(e) + eps);
            var xm = x.Clone(); xm.SetFlat(e, x.GetFlat(e) - eps);
            var d = (f(xp) - f(xm)) / (2 * eps);
            for (int o = 0; o < d.Size; o++) Assert.Equal(d.GetFlat(o), j.GetFlat(o * x.Size + e), 6);
        }
    }

    [Fact]
    public void Jvp_and_Vjp_agree_with_the_Jacobian()
    {
        var x = R(3);
        Func<Tensor, Tensor> f = t => (t * t.Exp()).Softmax() * 2.0;
        var jac = Functional.Jacobian(f, x);
        var u = R(3) * 0.5 + 1.0;
        var (_, jvp) = Functional.Jvp(ts => f(ts[0]), [x], [u]);
        var (_, vjp) = Functional.Vjp(ts => f(ts[0]), [x], u);
        var ju = jac.MatMul(u);
        var utj = u.MatMul(jac);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(ju[i], jvp[i], 12);
            Assert.Equal(utj[i], vjp[0][i], 12);
        }
    }

    [Fact]
    public void Hvp_equals_Hessian_times_v()
    {
        Func<Tensor, Tensor> f = t => (t.Tanh() * t.Exp()).Sum() + t.Pow(3).Sum();
        var x = R(4);
        var v = R(4) + 0.3;
        var hv = Functional.Hvp(f, x, v);
        var h = Functional.Hessian(f, x).MatMul(v);
        for (int i = 0; i < 4; i++) Assert.Equal(h[i], hv[i], 10);
    }

    [Fact]
    public void Transforms_leave_the_callers_tensors_alone()
    {
        var x = R(3).RequireGrad();
        Functional.Hessian(t => t.Pow(3).Sum(), x);
        Assert.Null(x.Grad);
    }

    // Every op's second derivatives are checked by GradGradCheck on its op-table row (OpPropertyTests.GradGradCheck_passes).

    [Fact]
    public void GradGradCheck_catches_a_rule_that_is_not_differentiable_through()
    {
        // First derivative right (2x) but written on a detached x, so its own derivative is lost.
        static Tensor BadSquare(Tensor x) => Recorder.Record("BadSquare", (x.Detach() * x.Detach()), [x], g => [g * x.Detach() * 2.0]);
        var first = GradCheck.Check(t => BadSquare(t[0]), [R(3)]);
        Assert.True(first.Passed, first.Report);
        var second = GradGradCheck.Check(t => BadSquare(t[0]), [R(3)]);
        Assert.False(second.Passed);
        Assert.Contains("FAILED", second.Report);
    }
}
