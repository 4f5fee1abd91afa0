using AutoGrad.Checking;

namespace AutoGrad.Tests.Dtypes;

/// <summary>Sort and TopK: values and int64 indices, ties, NaN, and the gradient through the permutation.</summary>
public class SortingTests
{
    [Fact]
    public void Sort_returns_values_and_int64_positions_along_the_axis()
    {
        var x = Tensor.FromArray(new[] { 3.0, 1.0, 2.0, -1.0, 5.0, 0.0 }, 2, 3);
        var (v, i) = x.Sort();
        Assert.Equal(new[] { 1.0, 2.0, 3.0, -1.0, 0.0, 5.0 }, v.ToDoubleArray());
        Assert.Equal(DType.Int64, i.DType);
        Assert.Equal(new long[] { 1, 2, 0, 0, 2, 1 }, i.ToInt64Array());
        var (vd, id) = x.Sort(0, descending: true);
        Assert.Equal(new[] { 3.0, 5.0, 2.0, -1.0, 1.0, 0.0 }, vd.ToDoubleArray());
        Assert.Equal(new long[] { 0, 1, 0, 1, 0, 1 }, id.ToInt64Array());
        Assert.Equal(vd.ToDoubleArray(), x.Gather(0, id).ToDoubleArray());
    }

    [Fact]
    public void Ties_keep_input_order_and_NaN_sorts_above_every_number_with_extremes_arriving_bit_for_bit()
    {
        var x = Tensor.FromArray(new[] { 2.0, double.NaN, 2.0, double.NegativeInfinity, double.PositiveInfinity, -0.0 });
        var (v, i) = x.Sort();
        Assert.Equal(new long[] { 3, 5, 0, 2, 4, 1 }, i.ToInt64Array());
        Assert.Equal(new[] { double.NegativeInfinity, -0.0, 2.0, 2.0, double.PositiveInfinity, double.NaN }, v.ToDoubleArray());
        Assert.True(double.IsNegative(v.ToDoubleArray()[1]));   // −0 keeps its sign
        var (_, di) = x.Sort(descending: true);
        Assert.Equal(new long[] { 1, 4, 0, 2, 5, 3 }, di.ToInt64Array());
    }

    [Fact]
    public void TopK_gives_the_k_largest_or_smallest_in_order()
    {
        var x = Tensor.FromArray(new[] { 4.0, 9.0, 1.0, 7.0 });
        var (v, i) = x.TopK(2);
        Assert.Equal(new[] { 9.0, 7.0 }, v.ToDoubleArray());
        Assert.Equal(new long[] { 1, 3 }, i.ToInt64Array());
        var (s, si) = x.TopK(3, largest: false);
        Assert.Equal(new[] { 1.0, 4.0, 7.0 }, s.ToDoubleArray());
        Assert.Equal(new long[] { 2, 0, 3 }, si.ToInt64Array());
        Assert.Equal(new Shape(0), x.TopK(0).Values.Shape);
        Assert.Contains("TopK: k = 5 is outside 0..4", Assert.Throws<ArgumentOutOfRangeException>(() => x.TopK(5)).Message);
    }

    [Fact]
    public void The_gradient_goes_back_to_the_element_each_value_came_from()
    {
        var x = Tensor.FromArray(new[] { 4.0, 9.0, 1.0, 7.0 }).RequireGrad();
        var (v, _) = x.TopK(2);
        (v * Tensor.FromArray(new[] { 10.0, 100.0 })).Sum().Backward();
        Assert.Equal(new[] { 0, 10.0, 0, 100.0 }, x.Grad!.ToDoubleArray());
        var y = Tensor.FromArray(new[] { 0.3, -1.2, 2.0, 0.7, 1.1, -0.4 }, 2, 3).RequireGrad();
        Assert.True(GradCheck.Check(xs => xs[0].Sort(1, descending: true).Values.Square(), [y]).Passed);
        Assert.True(GradGradCheck.Check(xs => xs[0].TopK(2, 0).Values.Square(), [y]).Passed);
    }

    [Fact]
    public void Sorting_an_integer_tensor_is_refused_naming_the_op()
    {
        Assert.StartsWith("Sort: needs a floating-point tensor", Assert.Throws<ArgumentException>(() => Tensor.FromArray(new long[] { 2, 1 }).Sort()).Message);
    }
}
