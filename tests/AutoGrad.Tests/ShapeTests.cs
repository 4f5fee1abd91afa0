namespace AutoGrad.Tests;

public class ShapeTests
{
    [Fact]
    public void Rank_size_strides_and_text()
    {
        var s = new Shape(2, 3, 4);
        Assert.Equal(3, s.Rank);
        Assert.Equal(24, s.Size);
        Assert.Equal([12, 4, 1], s.Strides());
        Assert.Equal(4, s[-1]);
        Assert.Equal(2, s[0]);
        Assert.Equal("(2, 3, 4)", s.ToString());
        Assert.Equal("(5,)", new Shape(5).ToString());
        Assert.Equal("()", Shape.Scalar.ToString());
        Assert.Equal(1, Shape.Scalar.Size);
        Assert.Equal(0, new Shape(3, 0).Size);
        Assert.Equal([2, 3, 4], s.ToArray());
    }

    [Fact]
    public void Shapes_compare_by_value()
    {
        Shape a = new[] { 2, 3 };
        var b = new Shape(2, 3);
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(new Shape(3, 2), a);
        Assert.Equal(Shape.Scalar, new Shape());
    }

    [Fact]
    public void Negative_dimensions_are_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Shape(2, -1));
        Assert.Contains("negative", ex.Message);
    }

    [Fact]
    public void NormalizeAxis_maps_negative_axes_and_names_the_op()
    {
        var s = new Shape(2, 3);
        Assert.Equal(1, s.NormalizeAxis(-1, "Op"));
        Assert.Equal(0, s.NormalizeAxis(-2, "Op"));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => s.NormalizeAxis(2, "MyOp"));
        Assert.Contains("MyOp: axis 2 is out of range for shape (2, 3)", ex.Message);
        Assert.Contains("-2..1", ex.Message);
    }

    [Theory]
    [InlineData(new[] { 2, 3 }, new[] { 3 }, new[] { 2, 3 })]
    [InlineData(new[] { 4, 1 }, new[] { 1, 5 }, new[] { 4, 5 })]
    [InlineData(new int[0], new[] { 2, 2 }, new[] { 2, 2 })]
    [InlineData(new[] { 1, 3, 1 }, new[] { 2, 1, 1, 4 }, new[] { 2, 1, 3, 4 })]
    public void Broadcast_follows_numpy(int[] a, int[] b, int[] expected)
    {
        Assert.Equal(new Shape(expected), Shape.Broadcast(new Shape(a), new Shape(b), "Op"));
        Assert.Equal(new Shape(expected), Shape.Broadcast(new Shape(b), new Shape(a), "Op"));
        Assert.True(new Shape(a).CanBroadcastTo(new Shape(expected)));
    }

    [Fact]
    public void Incompatible_shapes_name_both_and_the_axis()
    {
        var ex = Assert.Throws<ArgumentException>(() => Shape.Broadcast(new Shape(2, 3), new Shape(4), "Add"));
        Assert.Contains("Add: shapes (2, 3) and (4,) cannot be broadcast", ex.Message);
        Assert.Contains("dimension -1 is 3 in the first and 4 in the second", ex.Message);
        Assert.False(new Shape(2, 3).CanBroadcastTo(new Shape(3)));
        Assert.False(new Shape(3).CanBroadcastTo(new Shape(3, 2)));
    }
}
