using AutoGrad.Differentiation;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Checking;

public class GradCheckOptionsTests
{
    private static Tensor V(params double[] v) => Tensor.FromArray(v);

    // Deliberately wrong: d/dx x³ written as 2x² instead of 3x².
    private static Tensor WrongCube(Tensor x) => CustomFunction.Apply("WrongCube", x, t => t.Pow(3), (t, _, g) => g * 2.0 * t.Square());

    [Fact]
    public void Relu_at_exactly_zero_is_reported_as_a_kink_with_both_slopes()
    {
        var r = GradCheck.Check(t => t[0].Relu(), [V(1.5, 0, -2)]);
        Assert.False(r.Passed);
        Assert.True(r.IsKink);
        Assert.Equal(GradCheckKind.Kink, r.Kind);
        Assert.Equal((0, 1, 1), (r.InputIndex, r.ElementIndex, r.OutputIndex));
        Assert.Equal(0.0, r.LeftSlope, 9);
        Assert.Equal(1.0, r.RightSlope, 6);
        Assert.Equal(0.0, r.Analytical);                      // ReLU'(0) = 0 by convention
        Assert.Equal(0.5, r.Numerical, 6);                    // the meaningless central difference
        Assert.StartsWith("GradCheck: non-differentiable point (kink) at input 0 (3,) element 1 [1]", r.Report);
        Assert.Contains("left slope 0, right slope 1", r.Report);
        Assert.Contains("lies between the one-sided slopes", r.Report);
    }

    [Fact]
    public void A_symmetric_kink_whose_convention_matches_the_central_difference_passes_but_a_shifted_one_is_flagged()
    {
        // |x| at 0: sign(0) = 0 equals the central difference (ε − ε)/2ε, so nothing fails and no kink is reported.
        Assert.Equal(GradCheckKind.Passed, GradCheck.Check(t => t[0].Abs(), [V(0.0)]).Kind);
        // relu(x) + |x| at 0: slopes −1 (left) and 2 (right); the central difference 0.5 is not a derivative.
        var r = GradCheck.Check(t => t[0].Relu() + t[0].Abs(), [V(0.0)]);
        Assert.Equal(GradCheckKind.Kink, r.Kind);
        Assert.Equal(-1.0, r.LeftSlope, 6);
        Assert.Equal(2.0, r.RightSlope, 6);
        // 2·relu(x) − |x| is x everywhere, smooth at 0, yet the conventions give 2·0 − sign(0) = 0 there, not 1:
        // both one-sided slopes are 1, so this is (rightly) a wrong gradient, not a kink.
        var smooth = GradCheck.Check(t => t[0].Relu() * 2.0 - t[0].Abs(), [V(0.0)]);
        Assert.Equal(GradCheckKind.WrongGradient, smooth.Kind);
        Assert.Equal((0.0, 1.0), (smooth.Analytical, Math.Round(smooth.Numerical, 6)));
    }

    [Fact]
    public void A_wrong_gradient_is_still_wrong_even_next_to_a_kink()
    {
        var wrong = GradCheck.Check(t => WrongCube(t[0]), [V(0.5, 2)]);
        Assert.Equal(GradCheckKind.WrongGradient, wrong.Kind);
        Assert.False(wrong.IsKink);
        Assert.Contains("GradCheck FAILED", wrong.Report);

        // Element 0 sits on ReLU's kink, element 1 has the wrong cube derivative: the verdict is the wrong gradient.
        var mixed = GradCheck.Check(t => WrongCube(t[0]) + t[0].Relu(), [V(0, 2)]);
        Assert.Equal(GradCheckKind.WrongGradient, mixed.Kind);
        Assert.Equal(1, mixed.ElementIndex);
        Assert.Equal(9.0, mixed.Analytical, 9);               // 2·2² + 1
        Assert.Equal(13.0, mixed.Numerical, 5);               // 3·2² + 1
    }

    [Fact]
    public void Fast_mode_passes_a_correct_function_with_one_projection()
    {
        var w = Tensor.Randn(new Shape(3, 4), new Generator(3), DType.Float64);
        int calls = 0;
        Tensor F(Tensor[] t) { calls++; return t[0].MatMul(t[1]).Tanh(); }
        var x = Tensor.Randn(new Shape(2, 3), new Generator(4), DType.Float64);
        var r = GradCheck.Check(F, [x, w], new GradCheckOptions(Fast: true, Seed: 11));
        Assert.True(r.Passed, r.Report);
        Assert.StartsWith("GradCheck passed (fast mode, seed 11: vᵀJu analytical", r.Report);
        Assert.Equal(r.Analytical, r.Numerical, 6);
        Assert.Equal(3, calls);                               // f(x), f(x + εu), f(x − εu); the full check needs 1 + 2·18
        calls = 0;
        Assert.True(GradCheck.Check(F, [x, w]).Passed);
        Assert.Equal(37, calls);
    }

    [Fact]
    public void Fast_mode_catches_a_wrong_gradient_and_reports_the_full_check()
    {
        var r = GradCheck.Check(t => WrongCube(t[0]), [V(0.5, -1, 2)], new GradCheckOptions(Fast: true, Seed: 5));
        Assert.False(r.Passed);
        Assert.Equal(GradCheckKind.WrongGradient, r.Kind);
        Assert.StartsWith("GradCheck fast mode: the vᵀJu comparison failed, so the full Jacobian was checked. GradCheck FAILED", r.Report);
        Assert.Equal(2, r.ElementIndex);                      // the full check's worst element: 8 vs 12 at x = 2
        Assert.Equal(8.0, r.Analytical, 9);
    }
}
