using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class ActivationTests
{
    // Each activation's gradient (first and second order) is checked by its row in the op table (Ops/OpTable.Activations.cs);
    // here are the values, conventions and module forms.

    // Random inputs kept away from the kinks at 0, ±3 and 6 so finite differences are valid there.
    private static Tensor Input(ulong seed)
    {
        var x = Tensor.Uniform(new Shape(3, 4), new Generator(seed), -4, 7, DType.Float64);
        for (int i = 0; i < x.Size; i++)
        {
            double v = x.GetFlat(i);
            foreach (var k in new[] { 0.0, -3, 3, 6 }) if (Math.Abs(v - k) < 0.05) v = k + 0.1;
            x.SetFlat(i, v);
        }
        return x;
    }

    [Theory]
    [InlineData(-2.0, -0.02, 0.01)]
    [InlineData(3.0, 3.0, 1.0)]
    [InlineData(0.0, 0.0, 0.01)]
    public void LeakyRelu_value_and_slope_with_alpha_at_zero(double x, double y, double slope)
    {
        var t = Tensor.FromArray([x]).RequireGrad();
        var r = t.LeakyRelu(0.01);
        r.Sum().Backward();
        Assert.Equal(y, r.Item(), 12);
        Assert.Equal(slope, t.Grad!.Item(), 12);
    }

    [Fact]
    public void Known_values()
    {
        var x = Tensor.FromArray([-1.0, 0.5, 2.0]);
        Assert.Equal(Math.Exp(-1) - 1, x.Elu().ToDoubleArray()[0], 12);
        Assert.Equal(Activations.SeluScale * Activations.SeluAlpha * (Math.Exp(-1) - 1), x.Selu().ToDoubleArray()[0], 12);
        Assert.Equal(Math.Log(1 + Math.Exp(2.0)), x.Softplus().ToDoubleArray()[2], 12);
        Assert.Equal(2.0 * Math.Tanh(Math.Log(1 + Math.Exp(2.0))), x.Mish().ToDoubleArray()[2], 12);
        Assert.Equal(0.5 * 3.5 / 6, x.HardSwish().ToDoubleArray()[1], 12);
        Assert.Equal(0.5 / (1 + Math.Exp(-0.5)), x.Silu().ToDoubleArray()[1], 12);
        Assert.Equal([0.0, 1.0, 1.0], x.Heaviside().ToDoubleArray());
        Assert.Equal([0.0], Tensor.FromArray([0.0]).Heaviside().ToDoubleArray());   // step(0) = 0 (perceptron rule: w·x + b ≤ 0 → 0)
        Assert.Equal([0.0, 0.5, 2.0], x.Relu6().ToDoubleArray());
    }

    [Fact]
    public void Softplus_is_stable_for_large_inputs_and_has_derivative_half_at_zero()
    {
        var x = Tensor.FromArray([1000.0, -1000.0, 0.0]).RequireGrad();
        var y = x.Softplus();
        Assert.Equal([1000.0, 0.0, Math.Log(2)], y.ToDoubleArray());
        y.Sum().Backward();
        Assert.Equal([1.0, 0.0, 0.5], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Elu_gradient_is_finite_for_large_inputs()
    {
        var x = Tensor.FromArray([1000.0, -1000.0]).RequireGrad();
        x.Elu().Sum().Backward();
        Assert.Equal([1.0, 0.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Gelu_sigmoid_approximation_is_within_0_021_of_exact_on_minus8_to_8()
    {
        var x = Tensor.Linspace(-8, 8, 1601, DType.Float64);
        var exact = x.Gelu().ToDoubleArray();
        var sig = x.Gelu(GeluApproximation.Sigmoid).ToDoubleArray();
        var tanh = x.Gelu(GeluApproximation.Tanh).ToDoubleArray();
        double worst = exact.Zip(sig, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(worst, 0.019, 0.021);
        Assert.True(exact.Zip(tanh, (a, b) => Math.Abs(a - b)).Max() < 1e-3);
    }

    [Fact]
    public void Step_carries_no_gradient()
    {
        var x = Tensor.FromArray([1.0, -1.0]).RequireGrad();
        Assert.False(x.Heaviside().RequiresGrad);
    }

    [Fact]
    public void Glu_and_maxout_values()
    {
        var x = Tensor.FromArray([1.0, 2.0, 0.0, 3.0], 1, 4);
        Assert.Equal([0.5, 2.0 / (1 + Math.Exp(-3))], x.Glu().ToDoubleArray());
        Assert.Equal([2.0, 3.0], x.Maxout(2).ToDoubleArray());
    }

    [Fact]
    public void PReLU_and_learnable_swish_check_input_and_parameter_gradients()
    {
        ModuleGradCheck.Assert(new PRelu(3, 0.2), Input(5).Reshape(4, 3));
        ModuleGradCheck.Assert(new PRelu(), Input(6));
        ModuleGradCheck.Assert(new Swish(1.3, learnable: true), Input(7));
    }

    [Fact]
    public void Activation_modules_match_their_functions()
    {
        var x = Input(8);
        Assert.Equal(x.Gelu(GeluApproximation.Tanh).ToDoubleArray(), new Gelu(GeluApproximation.Tanh).Forward(x).ToDoubleArray());
        Assert.Equal(x.Silu(2).ToDoubleArray(), new Swish(2).Forward(x).ToDoubleArray());
        Assert.Equal(x.LeakyRelu(0.2).ToDoubleArray(), new LeakyRelu(0.2).Forward(x).ToDoubleArray());
        Assert.Equal(x.LogSoftmax(0).ToDoubleArray(), new LogSoftmax(0).Forward(x).ToDoubleArray());
        Assert.Equal(x.Mish().ToDoubleArray(), new Mish().Forward(x).ToDoubleArray());
    }
}
