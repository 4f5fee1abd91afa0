using AutoGrad.Checking;

namespace AutoGrad.Tests.Dtypes;

/// <summary>Comparisons give Bool masks; logical ops and Where read any mask as bool.</summary>
public class ComparisonAndLogicTests
{
    [Fact]
    public void Comparisons_return_bool_for_float_integer_and_mixed_operands()
    {
        var a = Tensor.FromArray(new[] { 1.0, 2.0, 3.0 });
        var b = Tensor.FromArray(new long[] { 2, 2, 2 });
        Assert.Equal(new[] { false, false, true }, a.Greater(b).ToBoolArray());
        Assert.Equal(new[] { true, true, false }, b.GreaterEqual(a).ToBoolArray());
        Assert.Equal(new[] { false, true, false }, a.Equal(Tensor.FromArray(new[] { 0.0, 2.0, 0.0 })).ToBoolArray());
        Assert.Equal(new[] { true, false, true }, a.NotEqual(2).ToBoolArray());
        Assert.Equal(new[] { true, false }, Tensor.FromArray(new long[] { 2, 3 }).Less(2.5).ToBoolArray());   // a constant with a fraction
        Assert.Equal(DType.Bool, a.LessEqual(a).DType);
    }

    [Fact]
    public void Integer_and_bool_tensors_sum_to_int64_counting_true_elements()
    {
        var logits = Tensor.FromArray(new[] { 0.1, 0.9, 0.8, 0.2, 0.3, 0.7 }, 3, 2);
        var labels = Tensor.FromArray(new long[] { 1, 1, 1 });
        var correct = logits.ArgMax(1).Equal(labels).Sum();   // PyTorch's (pred == y).sum()
        Assert.Equal(DType.Int64, correct.DType);
        Assert.Equal(2.0, correct.Item());
        var m = Tensor.FromArray(new[] { long.MaxValue - 1, 1, 5, -5 }, 2, 2);
        Assert.Equal(new[] { long.MaxValue, 0 }, m.Sum(1).ToInt64Array());   // exact in int64
        Assert.Equal(new[] { 4, -4 }, Tensor.FromArray(new[] { 1, 2, 3, -6 }, 2, 2).Sum(0, keepDims: true).ToInt64Array().Select(v => (int)v));
        Assert.Equal(new Shape(1, 2), Tensor.FromArray(new[] { 1, 2, 3, -6 }, 2, 2).Sum(0, keepDims: true).Shape);
    }

    [Fact]
    public void Int64_operands_compare_exactly_beyond_2_to_the_53()
    {
        var a = Tensor.FromArray(new[] { long.MaxValue, (1L << 53) + 1 });
        var b = Tensor.FromArray(new[] { long.MaxValue - 1, 1L << 53 });
        Assert.Equal(new[] { true, true }, a.Greater(b).ToBoolArray());
        Assert.Equal(new[] { false, false }, a.Equal(b).ToBoolArray());
    }

    [Fact]
    public void Comparisons_broadcast_and_NaN_compares_false_except_NotEqual()
    {
        var x = Tensor.FromArray(new[] { 1.0, double.NaN }, 2, 1);
        var y = Tensor.FromArray(new long[] { 0, 1, 2 }, 1, 3);
        Assert.Equal(new[] { true, false, false, false, false, false }, x.Greater(y).ToBoolArray());
        Assert.Equal(new[] { true, false, true, true, true, true }, x.NotEqual(y).ToBoolArray());
        Assert.Contains("dtypes differ", Assert.Throws<ArgumentException>(() => Tensor.Zeros(new Shape(1)).Less(Tensor.Zeros(new Shape(1), DType.Float64))).Message);
    }

    [Fact]
    public void Logical_ops_read_any_dtype_as_nonzero_and_broadcast()
    {
        var p = Tensor.FromArray(new[] { true, false }, 2, 1);
        var q = Tensor.FromArray(new[] { 0.0, 2.0, double.NaN });
        Assert.Equal(new[] { false, true, true, false, false, false }, p.And(q).ToBoolArray());
        Assert.Equal(new[] { true, true, true, false, true, true }, p.Or(q).ToBoolArray());
        Assert.Equal(new[] { true, false, false, false, true, true }, p.Xor(q).ToBoolArray());
        Assert.Equal(new[] { false, true }, Tensor.FromArray(new long[] { 5, 0 }).Not().ToBoolArray());
        Assert.True(q.Any());
        Assert.False(q.All());
        Assert.True(Tensor.Zeros(new Shape(0), DType.Bool).All());
    }

    [Fact]
    public void Where_takes_a_bool_mask_or_a_numeric_one_and_routes_the_gradient_by_it()
    {
        var a = Tensor.FromArray(new[] { 1.0, 2.0, 3.0 }).RequireGrad();
        var b = Tensor.FromArray(new[] { -1.0, -2.0, -3.0 }).RequireGrad();
        var mask = Tensor.FromArray(new[] { true, false, true });
        var y = CombineOps.Where(mask, a, b);
        Assert.Equal(new[] { 1.0, -2.0, 3.0 }, y.ToDoubleArray());
        (y * Tensor.FromArray(new[] { 10.0, 20.0, 30.0 })).Sum().Backward();
        Assert.Equal(new[] { 10.0, 0, 30.0 }, a.Grad!.ToDoubleArray());
        Assert.Equal(new[] { 0, 20.0, 0 }, b.Grad!.ToDoubleArray());
        Assert.Equal(y.ToDoubleArray(), CombineOps.Where(Tensor.FromArray(new[] { 2.0, 0.0, -1.0 }), a, b).ToDoubleArray());
        Assert.True(GradCheck.Check(xs => CombineOps.Where(mask, xs[0], xs[1]).Square(), [a.Detach().Clone().RequireGrad(), b.Detach().Clone().RequireGrad()]).Passed);
    }

    [Fact]
    public void Where_selects_integer_values_exactly_and_promotes_an_integer_branch_to_the_float_one()
    {
        var mask = Tensor.FromArray(new[] { true, false });
        var y = CombineOps.Where(mask, Tensor.FromArray(new[] { long.MaxValue, 1 }), Tensor.FromArray(new[] { 0L, -5 }));
        Assert.Equal(DType.Int64, y.DType);
        Assert.Equal(new[] { long.MaxValue, -5 }, y.ToInt64Array());
        var z = CombineOps.Where(mask, Tensor.FromArray(new[] { 0.5f, 0.5f }), Tensor.FromArray(new long[] { 7, 7 }));
        Assert.Equal(DType.Float32, z.DType);
        Assert.Equal(new[] { 0.5f, 7f }, z.ToFloatArray());
    }
}
