namespace AutoGrad.Tests.Ops;

// PyTorch's method spellings: the values PyTorch gives for the same calls.
public sealed class TensorMethodsTests
{
    [Fact]
    public void Method_forms_give_PyTorchs_values()
    {
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2);
        var y = Tensor.FromArray(new double[] { 5, 6 }, 1, 2);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], x.Concat(y).ToDoubleArray());                                   // torch.cat([x, y])
        Assert.Equal(new Shape(2, 2, 2), x.Stack(x * 10, -1).Shape);                                     // torch.stack([x, 10x], -1)
        Assert.Equal([1.0, 10, 2, 20, 3, 30, 4, 40], x.Stack(x * 10, -1).ToDoubleArray());
        var condition = Tensor.FromArray(new double[] { 1, 0, 0, 1 }, 2, 2);
        Assert.Equal([1.0, -1, -1, 4], x.Where(condition, Tensor.FromArray(new double[] { -1 })).ToDoubleArray());   // x.where(c, -1)
        Assert.Equal(6, Tensor.Zeros(new Shape(2, 3)).Numel());
        Assert.Contains("Concat: axis 2 is out of range", Assert.ThrowsAny<Exception>(() => x.Concat(y, 2)).Message);
    }
}
