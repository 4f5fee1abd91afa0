namespace AutoGrad.Tests.Dtypes;

/// <summary><c>To(DType)</c> between every pair of types (Note [Integer tensors] in src/AutoGrad/Tensor.Convert.cs).</summary>
public class DTypeConversionTests
{
    [Fact]
    public void Float_to_integer_truncates_toward_zero_like_PyTorch()
    {
        var x = Tensor.FromArray(new[] { 2.7, -2.7, 0.5, -0.0, 1e15 });
        Assert.Equal(new long[] { 2, -2, 0, 0, 1_000_000_000_000_000 }, x.To(DType.Int64).ToInt64Array());
        Assert.Equal(new[] { 2, -2, 0, 0 }, x.Slice(0, 0, 4).To(DType.Int32).ToInt32Array());
    }

    [Theory]
    [InlineData(double.NaN, DType.Int64, "NaN")]
    [InlineData(double.PositiveInfinity, DType.Int32, "Infinity")]
    [InlineData(3e9, DType.Int32, "3000000000")]
    [InlineData(1e19, DType.Int64, "1E+19")]
    public void NaN_infinity_and_out_of_range_values_have_no_integer_and_throw_naming_the_op_and_value(double v, DType to, string shown)
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new[] { 1.0, v }).To(to));
        Assert.StartsWith("To: float64 value", e.Message);
        Assert.Contains(shown, e.Message);
        Assert.Contains("flat position 1", e.Message);
    }

    [Fact]
    public void Int64_to_int32_out_of_range_throws_instead_of_wrapping()
    {
        Assert.Equal(new[] { -5, int.MaxValue }, Tensor.FromArray(new long[] { -5, int.MaxValue }).To(DType.Int32).ToInt32Array());
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new long[] { 1L << 31 }).To(DType.Int32));
        Assert.Contains("int64 value 2147483648 at flat position 0 does not fit in int32", e.Message);
    }

    [Fact]
    public void Anything_to_bool_is_nonzero_and_bool_to_numbers_is_0_or_1()
    {
        Assert.Equal(new[] { true, false, true, true }, Tensor.FromArray(new[] { 2.0, 0.0, double.NaN, -0.5 }).To(DType.Bool).ToBoolArray());
        Assert.Equal(new[] { false, true }, Tensor.FromArray(new long[] { 0, -3 }).To(DType.Bool).ToBoolArray());
        var b = Tensor.FromArray(new[] { true, false });
        Assert.Equal(new[] { 1f, 0f }, b.To(DType.Float32).ToFloatArray());
        Assert.Equal(new long[] { 1, 0 }, b.To(DType.Int64).ToInt64Array());
        Assert.Equal(new[] { 1, 0 }, b.To(DType.Int32).ToInt32Array());
    }

    [Fact]
    public void Int64_to_float_is_exact_up_to_2_to_the_53_and_rounds_beyond()
    {
        var x = Tensor.FromArray(new long[] { (1L << 53) - 1, (1L << 53) + 1, -7 });
        Assert.Equal(new[] { 9007199254740991.0, 9007199254740992.0, -7 }, x.To(DType.Float64).ToDoubleArray());
        Assert.Equal(new[] { 3.0f, -4f }, Tensor.FromArray(new[] { 3, -4 }).To(DType.Float32).ToFloatArray());
    }

    [Fact]
    public void Converting_a_float_that_requires_grad_to_an_integer_type_gives_a_result_outside_the_graph()
    {
        var x = Tensor.FromArray(new[] { 1.5, 2.5 }).RequireGrad();
        var i = x.To(DType.Int64);
        Assert.False(i.RequiresGrad);
        Assert.Null(i.GradFn);
        Assert.Equal(new long[] { 1, 2 }, i.ToInt64Array());
    }

    [Fact]
    public void CopyFrom_converts_exactly_or_refuses_and_leaves_the_target_unchanged()
    {
        var t = Tensor.FromArray(new long[] { 9, 9 });
        t.CopyFrom(Tensor.FromArray(new[] { 3.0, -4.0 }));
        Assert.Equal(new long[] { 3, -4 }, t.ToInt64Array());
        var e = Assert.Throws<ArgumentException>(() => t.CopyFrom(Tensor.FromArray(new[] { 1.0, 2.5 })));
        Assert.Contains("the float64 source holds 2.5 at flat position 1, which has no exact int64 value", e.Message);
        Assert.Equal(new long[] { 3, -4 }, t.ToInt64Array());
        var f = Tensor.Zeros(new Shape(1), DType.Float64);
        Assert.Throws<ArgumentException>(() => f.CopyFrom(Tensor.FromArray(new[] { (1L << 53) + 1 })));
        f.CopyFrom(Tensor.FromArray(new[] { 1L << 53 }));
        Assert.Equal(9007199254740992.0, f.Item());
    }
}
