using AutoGrad.Differentiation;

namespace AutoGrad.Tests;

public class TensorFormatTests
{
    [Fact]
    public void Integer_matrix_prints_like_numpy()
    {
        var x = Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 } });
        Assert.Equal("tensor([[1., 2.],\n        [3., 4.]], shape=(2, 2), dtype=float32)", x.ToString());
    }

    [Fact]
    public void Fractions_line_up_on_the_decimal_point_like_numpy()
    {
        // numpy: array([[ 1.5  , -2.25 ],
        //               [ 3.   ,  0.125]], dtype=float32)
        var x = Tensor.FromArray(new float[,] { { 1.5f, -2.25f }, { 3, 0.125f } });
        Assert.Equal("tensor([[ 1.5  , -2.25 ],\n        [ 3.   ,  0.125]], shape=(2, 2), dtype=float32)", x.ToString());
    }

    [Fact]
    public void Scalar_prints_its_value_and_empty_shape()
    {
        Assert.Equal("tensor(3.5, shape=(), dtype=float32)", Tensor.Scalar(3.5).ToString());
        Assert.Equal("tensor(-2., shape=(), dtype=float64)", Tensor.Scalar(-2, DType.Float64).ToString());
    }

    [Fact]
    public void Float64_vector_shows_eight_digits()
    {
        // numpy: array([0.1       , 0.2       , 0.33333333])
        var x = Tensor.FromArray(new[] { 0.1, 0.2, 1.0 / 3 });
        Assert.Equal("tensor([0.1       , 0.2       , 0.33333333], shape=(3,), dtype=float64)", x.ToString());
    }

    [Fact]
    public void Large_tensors_are_elided_with_three_edge_items()
    {
        var x = Tensor.Arange(2000);
        Assert.Equal("tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.], shape=(2000,), dtype=float32)", x.ToString());
    }

    [Fact]
    public void Large_matrices_elide_rows_and_columns()
    {
        var x = Tensor.Arange(2000).Reshape(40, 50);
        var lines = x.ToString().Split('\n');
        Assert.Equal(7, lines.Length);   // 3 rows, "...", 3 rows
        Assert.Equal("tensor([[   0.,    1.,    2., ...,   47.,   48.,   49.],", lines[0]);
        Assert.Equal("        ...,", lines[3]);
        Assert.Equal("        [1950., 1951., 1952., ..., 1997., 1998., 1999.]], shape=(40, 50), dtype=float32)", lines[6]);
    }

    [Fact]
    public void Rank3_blocks_are_separated_by_a_blank_line()
    {
        var x = Tensor.Arange(8).Reshape(2, 2, 2);
        Assert.Equal("tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]], shape=(2, 2, 2), dtype=float32)", x.ToString());
    }

    [Fact]
    public void Gradient_state_is_shown()
    {
        var x = Tensor.FromArray(new float[] { 1, 2 }).RequireGrad();
        Assert.Equal("tensor([1., 2.], shape=(2,), dtype=float32, requires_grad=True)", x.ToString());
        Assert.Equal("tensor([2., 4.], shape=(2,), dtype=float32, grad_fn=MultiplyScalar)", (x * 2.0).ToString());
        using (Recorder.NoGrad()) Assert.Equal("tensor([2., 4.], shape=(2,), dtype=float32)", (x * 2.0).ToString());
    }

    [Fact]
    public void Non_finite_values_print_as_numpy_does()
    {
        var x = Tensor.FromArray(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1 });
        Assert.Equal("tensor([ nan,  inf, -inf,   1.], shape=(4,), dtype=float64)", x.ToString());
    }
}
