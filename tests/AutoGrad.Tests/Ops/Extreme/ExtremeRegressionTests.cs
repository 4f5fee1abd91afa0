using AutoGrad.Losses;
using AutoGrad.NN;

namespace AutoGrad.Tests.Ops.Extreme;

/// <summary>The silent wrong numbers at extreme values reported in issue 12, and those its extreme-value rows found, one test each.</summary>
public class ExtremeRegressionTests
{
    private static readonly double LnThird = Math.Log(1.0 / 3);

    public static TheoryData<DType, double> LargeEqualLogits => new()
    {
        { DType.Float32, 1e6 }, { DType.Float32, 1e30 }, { DType.Float64, 1e16 }, { DType.Float64, 1e300 },
    };

    [Theory, MemberData(nameof(LargeEqualLogits))]
    public void LogSoftmax_of_large_equal_logits_is_ln_one_third_not_minus_1_125(DType dt, double a)
    {
        var x = ExtremeValues.Make([a, a, a, a, a, a], dt, 2, 3);
        foreach (var y in new[] { x.LogSoftmax(-1), x.Transpose().LogSoftmax(0) })
            Assert.All(y.ToDoubleArray(), v => Assert.Equal(LnThird, v, dt == DType.Float32 ? 1e-6 : 1e-15));
    }

    [Theory, MemberData(nameof(LargeEqualLogits))]
    public void LogSoftmax_backward_at_large_equal_logits_is_exact(DType dt, double a)
    {
        var x = ExtremeValues.Make([a, a, a], dt).RequireGrad();
        x.LogSoftmax().Backward(ExtremeValues.Make([1, 0, 0], dt));
        Assert.Equal([2.0 / 3, -1.0 / 3, -1.0 / 3], x.Grad!.ToDoubleArray(), (p, q) => Math.Abs(p - q) < (dt == DType.Float32 ? 1e-7 : 1e-15));
    }

    [Theory, MemberData(nameof(LargeEqualLogits))]
    public void SoftmaxCrossEntropy_gradient_at_large_equal_logits_is_minus_two_thirds_one_third_not_zero_one(DType dt, double a)
    {
        var z = ExtremeValues.Make([a, a, a], dt, 1, 3).RequireGrad();
        var loss = z.SoftmaxCrossEntropy(Tensor.Zeros(new Shape(1), dt));
        loss.Backward();
        Assert.Equal(-LnThird, loss.Item(), dt == DType.Float32 ? 1e-6 : 1e-15);
        Assert.Equal([-2.0 / 3, 1.0 / 3, 1.0 / 3], z.Grad!.ToDoubleArray(), (p, q) => Math.Abs(p - q) < (dt == DType.Float32 ? 1e-7 : 1e-15));
    }

    [Theory, InlineData(DType.Float32), InlineData(DType.Float64)]
    public void Tanh_of_zero_is_zero_and_of_tiny_values_is_the_value(DType dt)
    {
        // 37 elements: the 512- and 256-bit loops and a padded tail all run.
        double[] xs = [.. Enumerable.Range(0, 37).Select(i => i % 3 == 0 ? 0 : i % 3 == 1 ? 1e-30 * i : -0.01 * i)];
        var y = ExtremeValues.Make(xs, dt).Tanh().ToDoubleArray();
        for (int i = 0; i < xs.Length; i++)
            Assert.True(ExtremeValues.Mismatch(y[i], Math.Tanh(ExtremeValues.Round(xs[i], dt)), dt, 2) is null, $"tanh({xs[i]:R}) = {y[i]:R}");
        Assert.Equal(0.0, y[0]);
    }

    [Fact]
    public void Mish_of_minus_1e30_in_float32_is_minus_zero_not_5_96e22()
    {
        var x = Tensor.FromArray([-1e30f, -50f, 0f, 1e30f]).RequireGrad();
        var y = x.Mish();
        y.Backward(Tensor.OnesLike(y));
        var v = y.ToDoubleArray();
        Assert.Equal(0.0, v[0]);
        Assert.Equal(-50 * Math.Exp(-50), v[1], 1e-26);
        Assert.Equal([0.0, (double)1e30f], [v[2], v[3]]);
        Assert.Equal([0.0, 0.0, 0.6, 1.0], x.Grad!.ToDoubleArray(), (p, q) => Math.Abs(p - q) < 1e-7);
    }

    [Theory, InlineData(DType.Float32), InlineData(DType.Float64)]
    public void Tanh_approximate_Gelu_gradient_is_finite_at_plus_minus_1e30_not_NaN(DType dt)
    {
        var x = ExtremeValues.Make([1e30, -1e30, 1e4, -1e4], dt).RequireGrad();
        var y = x.Gelu(GeluApproximation.Tanh);
        y.Backward(Tensor.OnesLike(y));
        Assert.Equal([ExtremeValues.Round(1e30, dt), 0, 1e4, 0], y.ToDoubleArray().Select(v => v == 0 ? 0 : v).ToArray());
        Assert.Equal([1.0, 0, 1, 0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Dividing_by_a_tiny_scalar_divides_instead_of_multiplying_by_the_reciprocal()
    {
        var x = Tensor.FromArray([1e-30f, 0f]).RequireGrad();
        var y = x / 1e-39;
        y.Backward(Tensor.OnesLike(y));
        Assert.Equal([1e-30f / (float)1e-39, 0f], y.ToFloatArray());
        Assert.Equal(1e9, y.ToDoubleArray()[0], 1e4);   // (float)1e-39 is subnormal, 5 ppm off 1e-39
        Assert.All(x.Grad!.ToFloatArray(), g => Assert.Equal(1 / (float)1e-39, g));
        // c / x likewise: 1e-30 / 1e-39 = 1e9, where c·x⁻¹ overflowed in x⁻¹.
        Assert.Equal(1e-30f / (float)1e-39, (1e-30 / Tensor.FromArray([(float)1e-39])).ToFloatArray()[0]);
    }

    [Fact]
    public void Divide_gradient_for_the_divisor_does_not_square_it()
    {
        // ∂(a/b)/∂b = −a/b² = −1e-20 at a = b = 1e20; b² = 1e40 overflows float32, which gave −0.
        var a = Tensor.FromArray([1e20f]);
        var b = Tensor.FromArray([1e20f]).RequireGrad();
        (a / b).Sum().Backward();
        Assert.Equal(-1e-20, b.Grad!.ToDoubleArray()[0], 1e-27);
    }

    [Fact]
    public void Broadcast_whose_element_count_overflows_int_throws_naming_the_op_and_shapes_instead_of_giving_size_0()
    {
        var a = Tensor.Zeros(new Shape(65536, 1));
        var b = Tensor.Zeros(new Shape(1, 65536));
        var e = Assert.ThrowsAny<ArgumentException>(() => a + b);
        Assert.Contains("Add", e.Message);
        Assert.Contains("(65536, 1) and (1, 65536)", e.Message);
        Assert.Contains("4,294,967,296", e.Message);
        Assert.ThrowsAny<ArgumentException>(() => Shape.Broadcast(new Shape(65536, 1), new Shape(1, 65536), "Broadcast"));
    }

    [Fact]
    public void Reshape_to_a_shape_whose_element_count_overflows_int_throws_naming_Reshape()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Tensor.Zeros(new Shape(4)).Reshape(65536, 65536, 2));
        Assert.StartsWith("Reshape", e.Message);
        Assert.Contains("(65536, 65536, 2)", e.Message);
        var c = Assert.ThrowsAny<ArgumentException>(() => Tensor.Zeros(new Shape(65536, 65536)));
        Assert.Contains("4,294,967,296", c.Message);
        // A zero dimension makes any shape empty, however large the other dimensions' product.
        Assert.Equal(0, new Shape(65536, 65536, 0).Size);
    }

    [Theory, InlineData(DType.Float32), InlineData(DType.Float64)]
    public void Softplus_far_below_zero_is_e_to_the_x_not_zero(DType dt)
    {
        var x = ExtremeValues.Make([-20, -40], dt).RequireGrad();
        var y = x.Softplus();
        y.Backward(Tensor.OnesLike(y));
        var v = y.ToDoubleArray();
        Assert.Equal(Math.Exp(-20), v[0], Math.Exp(-20) * 1e-6);
        Assert.Equal(Math.Exp(-40), v[1], Math.Exp(-40) * 1e-6);
        Assert.Equal(Math.Exp(-20), x.Grad!.ToDoubleArray()[0], Math.Exp(-20) * 1e-6);
    }

    [Theory, InlineData(DType.Float32), InlineData(DType.Float64)]
    public void BinaryCrossEntropyWithLogits_of_a_confident_right_logit_is_its_tiny_loss_not_zero(DType dt)
    {
        var loss = ExtremeValues.Make([20], dt).BinaryCrossEntropyWithLogits(ExtremeValues.Make([1], dt));
        double want = Math.Exp(-20) - Math.Exp(-40) / 2;   // ln(1 + e^{−20}) by its series
        Assert.Equal(want, loss.Item(), want * (dt == DType.Float32 ? 1e-6 : 1e-14));
    }

    [Theory, InlineData(DType.Float32, 1e30), InlineData(DType.Float64, 1e300), InlineData(DType.Float32, 1e-30)]
    public void Std_of_huge_or_tiny_values_is_finite_and_exact_not_infinity_or_zero(DType dt, double a)
    {
        var x = ExtremeValues.Make([a, 0, -a], dt).RequireGrad();
        var s = x.Std();
        s.Backward();
        double want = ExtremeValues.Round(a, dt) * Math.Sqrt(2.0 / 3);
        Assert.Equal(want, s.Item(), Math.Abs(want) * 1e-6);
        Assert.Equal(1 / Math.Sqrt(6), x.Grad!.ToDoubleArray()[0], 1e-6);
    }
}
