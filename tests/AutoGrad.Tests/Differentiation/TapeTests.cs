using AutoGrad.Differentiation;

namespace AutoGrad.Tests.Autograd;

public class TapeTests
{
    private static Tensor Leaf(params double[] v) => Tensor.FromArray(v).RequireGrad();

    [Fact]
    public void X_times_x_gives_2x()
    {
        var x = Leaf(3.0, -1.5);
        (x * x).Sum().Backward();
        Assert.Equal([6.0, -3.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Diamond_sums_both_branches()
    {
        // y = a·b with a = 2x, b = x + 1: dy/dx = 2(x + 1) + 2x = 4x + 2
        var x = Leaf(1.5);
        var a = x * 2.0;
        var b = x + 1.0;
        (a * b).Sum().Backward();
        Assert.Equal(4 * 1.5 + 2, x.Grad!.Item(), 12);
    }

    [Theory]
    [InlineData(2.0, 3.0, 2.0)]     // x + y = 5, y − z = 1
    [InlineData(-4.0, 9.0, 8.0)]
    [InlineData(0.5, 4.5, 3.5)]
    public void Notes_003_branch_example_gives_1_6_minus5(double x0, double y0, double z0)
    {
        // f = (x + y)(y − z): ∂f/∂x = y − z = 1, ∂f/∂y = (y − z) + (x + y) = 6, ∂f/∂z = −(x + y) = −5
        var x = Leaf(x0); var y = Leaf(y0); var z = Leaf(z0);
        ((x + y) * (y - z)).Sum().Backward();
        Assert.Equal(1.0, x.Grad!.Item(), 12);
        Assert.Equal(6.0, y.Grad!.Item(), 12);
        Assert.Equal(-5.0, z.Grad!.Item(), 12);
    }

    [Fact]
    public void Broadcast_gradient_is_summed_over_the_repeated_axes()
    {
        var w = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3).RequireGrad();
        var b = Leaf(10, 20, 30);
        var s = Tensor.FromArray(new double[] { 2 }, 1, 1).RequireGrad();
        ((w + b) * s).Sum().Backward();
        Assert.Equal([4.0, 4.0, 4.0], b.Grad!.ToDoubleArray());         // 2 rows × s = 2
        Assert.Equal(new Shape(1, 1), s.Grad!.Shape);
        Assert.Equal(1 + 2 + 3 + 4 + 5 + 6 + 2 * (10 + 20 + 30), s.Grad.Item(), 12);
        Assert.Equal(Enumerable.Repeat(2.0, 6), w.Grad!.ToDoubleArray());
    }

    [Fact]
    public void NoGrad_records_nothing()
    {
        var x = Leaf(1, 2);
        long before = Recorder.RecordedCount;
        Tensor y;
        using (Recorder.NoGrad()) y = (x * x + 1.0).Exp().Sum();
        Assert.Equal(before, Recorder.RecordedCount);
        Assert.False(y.RequiresGrad);
        Assert.Null(y.GradFn);
        Assert.Equal(Math.Exp(2) + Math.Exp(5), y.Item(), 10);
    }

    [Fact]
    public void Each_op_records_one_node()
    {
        var x = Leaf(1, 2);
        long before = Recorder.RecordedCount;
        var y = (x * x).Exp();
        Assert.Equal(before + 2, Recorder.RecordedCount);
        Assert.Equal("Exp", y.GradFn!.Op);
        Assert.Equal("Multiply", y.GradFn.Inputs[0].GradFn!.Op);
    }

    [Fact]
    public void Second_backward_accumulates_until_ZeroGrad()
    {
        var x = Leaf(2.0);
        (x * 3.0).Sum().Backward();
        (x * 3.0).Sum().Backward();
        Assert.Equal(6.0, x.Grad!.Item());
        x.ZeroGrad();
        Assert.Null(x.Grad);
        (x * 3.0).Sum().Backward();
        Assert.Equal(3.0, x.Grad!.Item());
    }

    [Fact]
    public void Backward_through_a_freed_graph_throws_and_says_how_to_fix_it()
    {
        var x = Leaf(2.0);
        var y = (x * x).Sum();
        y.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("already freed", e.Message);
        Assert.Contains("retainGraph: true", e.Message);
    }

    [Fact]
    public void RetainGraph_allows_a_second_pass()
    {
        var x = Leaf(2.0);
        var y = (x * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.Equal(8.0, x.Grad!.Item());
    }

    [Fact]
    public void Unused_input_gets_no_gradient_not_zero()
    {
        var x = Leaf(1.0); var unused = Leaf(5.0);
        (x * 2.0).Sum().Backward();
        Assert.Equal(2.0, x.Grad!.Item());
        Assert.Null(unused.Grad);
    }

    [Fact]
    public void Non_leaf_keeps_no_grad_unless_RetainGrad()
    {
        var x = Leaf(1.0, 2.0);
        var h = x * 3.0;
        var k = (x * 2.0).RetainGrad();
        (h.Sum() + (k * k).Sum()).Backward();
        Assert.Null(h.Grad);
        Assert.Equal([4.0, 8.0], k.Grad!.ToDoubleArray());   // ∂(k²)/∂k = 2k
        Assert.False(h.IsLeaf);
        Assert.True(x.IsLeaf);
    }

    [Fact]
    public void Non_scalar_root_needs_a_seed()
    {
        var x = Leaf(1.0, 2.0);
        var y = x * 2.0;
        var e = Assert.Throws<ArgumentException>(() => y.Backward());
        Assert.Contains("(2,)", e.Message);
        y.Backward(Tensor.FromArray(new double[] { 1, 10 }));
        Assert.Equal([2.0, 20.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Detach_cuts_the_graph()
    {
        var x = Leaf(3.0);
        var y = (x * x.Detach()).Sum();   // d/dx (x·c) = c = 3
        y.Backward();
        Assert.Equal(3.0, x.Grad!.Item());
    }

    [Fact]
    public void Leaf_gradients_never_alias_each_other()
    {
        var a = Leaf(1.0); var b = Leaf(2.0);
        (a + b).Sum().Backward();
        Assert.NotSame(a.Grad, b.Grad);
        a.Grad!.F64[0] = 100;
        Assert.Equal(1.0, b.Grad!.Item());
    }

    [Fact]
    public void Deep_graph_does_not_overflow_the_stack()
    {
        var x = Leaf(1.0);
        var y = x;
        for (int i = 0; i < 100_000; i++) y = y + 0.0;
        y.Sum().Backward();
        Assert.Equal(1.0, x.Grad!.Item());
    }

    [Fact]
    public void Independent_graphs_on_two_threads()
    {
        double[] results = new double[2];
        Parallel.For(0, 2, i =>
        {
            var x = Leaf(i + 1.0);
            Tensor y = x;
            for (int k = 0; k < 1000; k++) y = y * 1.0 + 0.0;
            (y * y).Sum().Backward();
            results[i] = x.Grad!.Item();
        });
        Assert.Equal([2.0, 4.0], results);
    }

    [Fact]
    public void Mixed_dtypes_name_the_op_and_both_shapes()
    {
        var a = Tensor.Ones(new Shape(2), DType.Float32);
        var b = Tensor.Ones(new Shape(2), DType.Float64);
        var e = Assert.Throws<ArgumentException>(() => a * b);
        Assert.Contains("Multiply", e.Message);
        Assert.Contains("float32", e.Message);
        Assert.Contains("float64", e.Message);
    }

    [Fact]
    public void Shape_mismatch_names_the_op_the_shapes_and_the_rule()
    {
        var a = Tensor.Ones(new Shape(2, 3));
        var b = Tensor.Ones(new Shape(4));
        var e = Assert.Throws<ArgumentException>(() => a + b);
        Assert.Contains("Add", e.Message);
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("(4,)", e.Message);
        Assert.Contains("equal or one of them 1", e.Message);
    }

    [Fact]
    public void Functional_Grad_returns_gradients_without_touching_Grad()
    {
        var x = Leaf(2.0, 3.0);
        var h = x * x;
        var g = Functional.Grad(h.Sum(), x, h);
        Assert.Equal([4.0, 6.0], g[0]!.ToDoubleArray());
        Assert.Equal([1.0, 1.0], g[1]!.ToDoubleArray());
        Assert.Null(x.Grad);
    }

    [Fact]
    public void CreateGraph_gives_second_derivatives()
    {
        var x = Leaf(2.0);
        var y = (x * x * x).Sum();                         // y = x³
        var dy = Functional.Grad([y], [x], createGraph: true)[0]!;   // 3x² = 12
        Assert.Equal(12.0, dy.Item(), 12);
        var d2 = Functional.Grad(dy.Sum(), x)[0]!;          // 6x = 12
        Assert.Equal(12.0, d2.Item(), 12);
    }
}
