namespace AutoGrad.Tests.Dtypes;

/// <summary>Making, reading and printing int32, int64 and bool tensors.</summary>
public class DTypeCreationTests
{
    [Fact]
    public void FromArray_keeps_each_element_type_and_values()
    {
        var l = Tensor.FromArray(new long[] { 1, -2, long.MaxValue, 4 }, 2, 2);
        Assert.Equal(DType.Int64, l.DType);
        Assert.Equal(new Shape(2, 2), l.Shape);
        Assert.Equal(new long[] { 1, -2, long.MaxValue, 4 }, l.ToInt64Array());   // exact, beyond 2^53
        Assert.IsType<long[]>(l.ToArray());
        var i = Tensor.FromArray(new[] { 7, -8 });
        Assert.Equal(DType.Int32, i.DType);
        Assert.Equal(new[] { 7, -8 }, i.ToInt32Array());
        Assert.Equal(new long[] { 7, -8 }, i.ToInt64Array());
        var b = Tensor.FromArray(new[] { true, false, true });
        Assert.Equal(DType.Bool, b.DType);
        Assert.Equal(new[] { true, false, true }, b.ToBoolArray());
        Assert.Equal(new[] { 1.0, 0.0, 1.0 }, b.ToDoubleArray());
        Assert.Equal(1, b.DType.ElementSize());
        Assert.Equal(8, l.DType.ElementSize());
    }

    [Fact]
    public void Factories_take_integer_and_bool_dtypes()
    {
        Assert.Equal(new long[] { 0, 0, 0 }, Tensor.Zeros(new Shape(3), DType.Int64).ToInt64Array());
        Assert.Equal(new[] { 1, 1 }, Tensor.Ones(new Shape(2), DType.Int32).ToInt32Array());
        Assert.Equal(new[] { true, true }, Tensor.Full(new Shape(2), 1, DType.Bool).ToBoolArray());
        Assert.Equal(new long[] { 2, 4, 6 }, Tensor.Arange(2, 8, 2, DType.Int64).ToInt64Array());
        Assert.Equal(new long[] { 1, 0, 0, 1 }, Tensor.Eye(2, dtype: DType.Int64).ToInt64Array());
    }

    [Fact]
    public void A_value_an_integer_or_bool_element_cannot_hold_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Full(new Shape(2), 2.5, DType.Int64));
        Assert.Contains("Full: 2.5 is not a int64 value", e.Message);
        Assert.Contains("bool elements are 0 or 1", Assert.Throws<ArgumentException>(() => Tensor.Full(new Shape(1), 2, DType.Bool)).Message);
        Assert.Contains("Uniform: needs a floating-point dtype", Assert.Throws<ArgumentException>(() => Tensor.Uniform(new Shape(2), new Generator(1), dtype: DType.Int32)).Message);
        Assert.Contains("ToInt64Array: the tensor is float32", Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(new Shape(1)).ToInt64Array()).Message);
        Assert.Contains("ToBoolArray: the tensor is int64", Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(new Shape(1), DType.Int64).ToBoolArray()).Message);
    }

    [Fact]
    public void Integers_print_without_a_point_and_bools_as_True_and_False()
    {
        Assert.Equal("tensor([[ 1, -2],\n        [30,  4]], shape=(2, 2), dtype=int64)", Tensor.FromArray(new long[] { 1, -2, 30, 4 }, 2, 2).ToString());
        Assert.Equal("tensor([ True, False], shape=(2,), dtype=bool)", Tensor.FromArray(new[] { true, false }).ToString());
        Assert.Equal("tensor(9223372036854775807, shape=(), dtype=int64)", Tensor.FromArray(new[] { long.MaxValue }).Reshape(Shape.Scalar).ToString());
    }

    [Fact]
    public void Clone_slice_transpose_and_concat_work_on_integer_tensors()
    {
        var x = Tensor.FromArray(new long[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, x.Clone().ToInt64Array());
        Assert.Equal(new long[] { 2, 5 }, x.Select(1, 1).ToInt64Array());
        Assert.Equal(new long[] { 1, 4, 2, 5, 3, 6 }, x.Transpose().ToInt64Array());
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6, 1, 2, 3 }, CombineOps.Concat([x, x.Slice(0, 0, 1)], 0).ToInt64Array());
        Assert.Equal(DType.Int64, x.Reshape(-1).DType);
    }
}
