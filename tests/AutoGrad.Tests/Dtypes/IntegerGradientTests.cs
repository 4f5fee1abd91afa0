using AutoGrad.Differentiation;

namespace AutoGrad.Tests.Dtypes;

/// <summary>Integer and bool tensors carry no gradient; float ops refuse them or, for binary element-wise ops, promote them.</summary>
public class IntegerGradientTests
{
    [Theory]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Bool)]
    public void Asking_an_integer_or_bool_tensor_for_a_gradient_is_an_error(DType dtype)
    {
        var t = Tensor.Zeros(new Shape(2), dtype);
        var e = Assert.Throws<InvalidOperationException>(() => t.RequiresGrad = true);
        Assert.Contains($"a {dtype.Name()} tensor (2,) cannot require gradients", e.Message);
        Assert.False(t.RequiresGrad);
    }

    [Fact]
    public void An_op_asked_to_record_an_integer_result_is_an_error_naming_it()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }).RequireGrad();
        var e = Assert.Throws<InvalidOperationException>(() => Recorder.Record("MyRound", Tensor.FromArray(new long[] { 1, 2 }), [x], g => [g]));
        Assert.StartsWith("MyRound: cannot record a gradient for its int64 result", e.Message);
    }

    [Fact]
    public void A_float_op_given_an_integer_tensor_names_the_op()
    {
        var i = Tensor.FromArray(new long[] { 1, 2, 3, 4 }, 2, 2);
        Assert.StartsWith("Exp: needs a floating-point tensor (float32 or float64), got int64 (2, 2)", Assert.Throws<ArgumentException>(() => i.Exp()).Message);
        Assert.StartsWith("MatMul: needs a floating-point tensor", Assert.Throws<ArgumentException>(() => i.MatMul(i)).Message);
        Assert.StartsWith("Mean: needs a floating-point tensor (float32 or float64), got int64 (2, 2)", Assert.Throws<ArgumentException>(() => i.Mean()).Message);
        var e = Assert.Throws<ArgumentException>(() => i + i);
        Assert.StartsWith("Add: needs a floating-point operand, got int64 (2, 2) and int64 (2, 2)", e.Message);
    }

    [Fact]
    public void A_bool_or_integer_operand_of_a_binary_op_is_promoted_to_the_float_one_and_the_float_gets_its_gradient()
    {
        var x = Tensor.FromArray(new[] { 1.5, -2.0, 3.0 }).RequireGrad();
        var mask = x.Greater(0);
        Assert.Equal(DType.Bool, mask.DType);
        var y = x * mask;
        Assert.Equal(DType.Float64, y.DType);
        Assert.Equal(new[] { 1.5, 0, 3.0 }, y.ToDoubleArray());
        y.Sum().Backward();
        Assert.Equal(new[] { 1.0, 0, 1.0 }, x.Grad!.ToDoubleArray());
        Assert.Equal(new[] { 2.5, 0, 6.0 }, (Tensor.FromArray(new long[] { 1, 2, 3 }) + x.Detach()).ToDoubleArray());
        var a = Tensor.FromArray(new[] { 2.0, 3.0 }).RequireGrad();
        var p = a.Pow(Tensor.FromArray(new long[] { 2, 3 }));   // an integer exponent, as x ** 2 with an int64 tensor in PyTorch
        Assert.Equal(new[] { 4.0, 27.0 }, p.ToDoubleArray());
        p.Sum().Backward();
        Assert.Equal(new[] { 4.0, 27.0 }, a.Grad!.ToDoubleArray());   // b·a^(b−1)
    }
}
