using AutoGrad.Differentiation;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Checking;

public class GradCheckTests
{
    private static Tensor Vec(params double[] v) => Tensor.FromArray(v);

    // y = x², recorded with a rule missing the factor 2: ∂y/∂x should be 2x, the rule gives x.
    private static Tensor WrongSquare(Tensor x)
    {
        var y = x.Detach() * x.Detach();
        return Recorder.Record("WrongSquare", y, [x], g => [g * x]);
    }

    [Fact]
    public void Defaults_are_PyTorchs()
    {
        var o = new GradCheckOptions();
        Assert.Equal(1e-6, o.Eps);
        Assert.Equal(1e-5, o.Atol);
        Assert.Equal(1e-3, o.Rtol);
        Assert.True(o.CheckReentrant);
        Assert.True(o.CheckZeroSeed);
    }

    [Fact]
    public void Passes_on_a_correct_multi_op_function()
    {
        var x = Tensor.FromArray(new double[] { 0.3, -1.2, 2.0, 0.7, -0.4, 1.1 }, 2, 3);
        var w = Tensor.FromArray(new double[] { 0.5, -0.3, 0.8, 0.1, -0.6, 0.9 }, 3, 2);
        var b = Vec(0.2, -0.1);
        var r = GradCheck.Check(t => (t[0].MatMul(t[1]) + t[2]).Tanh().Softmax().Log().Mean(), [x, w, b]);
        Assert.True(r.Passed, r.Report);
        Assert.StartsWith("GradCheck passed", r.Report);
    }

    [Fact]
    public void Passes_on_a_function_built_from_many_ops()
    {
        var gen = new Generator(7);
        var x = Tensor.Uniform(new Shape(3, 4), gen, 0.5, 2, DType.Float64);
        var v = Tensor.Normal(new Shape(4), gen, dtype: DType.Float64);
        var index = Tensor.FromArray(new double[] { 2, 0, 1, 1, 3, 0 }, 3, 2);
        Tensor F(Tensor[] t)
        {
            var a = (t[0].Log() + 1.0).Sqrt() * t[1].Sigmoid();                   // broadcast [3,4]·[4]
            var b = CombineOps.Concat([a, t[0].Pow(1.5).Slice(1, 0, 4, 2)], axis: 1);   // [3, 6]
            var c = b.Transpose().MatMul(t[0]).Gather(1, Tensor.FromArray(new double[] { 0, 3, 1, 2, 2, 0 }, 6, 1));
            var d = t[0].Gather(1, index).Exp().Sum(0, keepDims: true).Erf();
            var e = CombineOps.Where(t[0].Greater(1.0), t[0].Square(), t[0].Abs().Clamp(0, 10));
            return c.Sum() * d.Mean() + e.Var(unbiased: true) + t[1].Maximum(t[1] * 0.5).LogSumExp(0) - b.Max(1).Std();
        }
        var r = GradCheck.Check(F, [x, v]);
        Assert.True(r.Passed, r.Report);
    }

    [Fact]
    public void Catches_a_wrong_backward_rule_and_reports_where()
    {
        var r = GradCheck.Check(t => WrongSquare(t[0]), [Vec(1.5, -2.0, 0.5)]);
        Assert.False(r.Passed);
        // The worst element is x = −2: analytical −2 (the rule's x) against numerical −4 (the true 2x).
        Assert.Equal(0, r.InputIndex);
        Assert.Equal(1, r.ElementIndex);
        Assert.Equal(1, r.OutputIndex);
        Assert.Equal(-2.0, r.Analytical, 12);
        Assert.Equal(-4.0, r.Numerical, 6);
        Assert.Contains("GradCheck FAILED", r.Report);
        Assert.Contains("input 0 (3,) element 1 [1], output element 1", r.Report);
        Assert.Contains("analytical -2,", r.Report);
        Assert.Matches(@"numerical -(4|3\.99999\d*),", r.Report);
        Assert.Contains("Jacobian column", r.Report);
        // The column of x[1]: outputs 0 and 2 do not depend on it (the rule's g·x gives −0 there), output 1 is the worst.
        Assert.Matches(@"\[0\]\s+-?0 \|\s+0\n", r.Report);
        Assert.Matches(@"\[1\]\s+-2 \|\s+-(4|3\.99999\d*)\s+<-- worst\n", r.Report);
        Assert.Matches(@"\[2\]\s+-?0 \|\s+0$", r.Report);
    }

    [Fact]
    public void Assert_throws_with_the_report()
    {
        var ex = Assert.Throws<GradCheckException>(() => GradCheck.Assert(t => WrongSquare(t[0]).Sum(), [Vec(1.0, 3.0)]));
        Assert.False(ex.Result.Passed);
        Assert.Equal(ex.Result.Report, ex.Message);
        Assert.Equal(1, ex.Result.ElementIndex);     // x = 3: analytical 3 vs numerical 6
    }

    [Fact]
    public void Detects_a_rule_that_is_not_reentrant()
    {
        int calls = 0;
        Tensor Drifting(Tensor x)
        {
            var y = x.Detach() * 3.0;
            return Recorder.Record("Drifting", y, [x], g => [g * (3.0 + 1e-3 * calls++)]);
        }
        var r = GradCheck.Check(t => Drifting(t[0]), [Vec(1.0, 2.0)]);
        Assert.False(r.Passed);
        Assert.Contains("not reentrant", r.Report);
        Assert.Contains("input 0", r.Report);
        // The drift over a few passes is ~1e-3 relative, which a loose Jacobian comparison accepts: only the reentrancy check sees it.
        var relaxed = GradCheck.Check(t => Drifting(t[0]), [Vec(1.0, 2.0)], new GradCheckOptions(CheckReentrant: false, Rtol: 1e-1));
        Assert.True(relaxed.Passed, relaxed.Report);
    }

    [Fact]
    public void Detects_a_rule_that_gives_a_gradient_for_a_zero_seed()
    {
        Tensor Offset(Tensor x)
        {
            var y = x.Detach() * 2.0;
            return Recorder.Record("Offset", y, [x], g => [g * 2.0 + 1e-9]);
        }
        var r = GradCheck.Check(t => Offset(t[0]), [Vec(0.5, -1.0)]);
        Assert.False(r.Passed);
        Assert.Contains("zero output gradient gave a non-zero gradient for input 0", r.Report);
        // 1e-9 is far below atol, so only the zero-seed check can see it.
        Assert.True(GradCheck.Check(t => Offset(t[0]), [Vec(0.5, -1.0)], new GradCheckOptions(CheckZeroSeed: false)).Passed);
    }

    [Fact]
    public void Float32_inputs_are_checked_in_float64()
    {
        var seen = new List<DType>();
        var x = Tensor.FromArray(new float[] { 0.25f, 1.5f, -0.75f });
        var r = GradCheck.Check(t => { seen.Add(t[0].DType); return (t[0].Exp() * t[0]).Sum(); }, [x]);
        Assert.True(r.Passed, r.Report);
        Assert.All(seen, d => Assert.Equal(DType.Float64, d));
        Assert.Equal(1 + 2 * 3, seen.Count);   // one recorded pass, then ± each of 3 elements
        Assert.Equal(DType.Float32, x.DType);  // the caller's tensor is untouched
        Assert.False(x.RequiresGrad);
    }

    [Fact]
    public void A_float32_function_is_refused()
    {
        var r = GradCheck.Check(t => t[0].To(DType.Float32), [Vec(1.0)]);
        Assert.False(r.Passed);
        Assert.Contains("float32", r.Report);
    }

    [Fact]
    public void Only_inputs_marked_RequiresGrad_are_checked_when_some_are()
    {
        var a = Vec(1.0, 2.0);
        var b = Vec(3.0, 4.0).RequireGrad();
        // The wrong rule sits on a, which is not checked; b's gradient (a²) is right.
        var r = GradCheck.Check(t => WrongSquare(t[0]) * t[1], [a, b]);
        Assert.True(r.Passed, r.Report);
        Assert.Equal(1, r.InputIndex);
        Assert.False(GradCheck.Check(t => WrongSquare(t[0]) * t[1], [a, Vec(3.0, 4.0)]).Passed);
    }

    // Issue 12: for an element-wise function of a vector every off-diagonal Jacobian entry is exactly 0 on both sides, and the
    // report used to name one of those ("analytical 0, numerical 0") as the worst, saying nothing about the real entries.
    [Fact]
    public void Report_does_not_name_a_structurally_zero_entry_as_worst_for_vector_outputs()
    {
        var r = GradCheck.Check(t => t[0].Exp(), [Vec(0.5, -1.0, 2.0)]);
        Assert.True(r.Passed, r.Report);
        Assert.Equal(r.ElementIndex, r.OutputIndex);                 // a diagonal entry, ∂yᵢ/∂xᵢ = e^{xᵢ}
        Assert.Equal(Math.Exp(new[] { 0.5, -1.0, 2.0 }[r.ElementIndex]), r.Analytical, 9);
        Assert.DoesNotContain("analytical 0, numerical 0", r.Report);
    }

    [Fact]
    public void Report_names_a_zero_entry_only_when_every_entry_is_zero()
    {
        var r = GradCheck.Check(t => t[0] * 0.0, [Vec(0.5, -1.0)]);
        Assert.True(r.Passed, r.Report);
        Assert.Equal(0.0, r.Analytical);
        Assert.Equal(0.0, r.Numerical);
        Assert.Equal((0, 0, 0), (r.InputIndex, r.ElementIndex, r.OutputIndex));
    }
}
