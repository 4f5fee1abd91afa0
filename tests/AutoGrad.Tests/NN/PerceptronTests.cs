using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class PerceptronTests
{
    private static readonly Tensor X = Tensor.FromArray(new double[] { 0, 0, 0, 1, 1, 0, 1, 1 }, 4, 2);

    [Theory]
    [InlineData("NAND", new double[] { 1, 1, 1, 0 })]
    [InlineData("AND", new double[] { 0, 0, 0, 1 })]
    [InlineData("OR", new double[] { 0, 1, 1, 1 })]
    public void Learns_linearly_separable_gates(string gate, double[] targets)
    {
        var p = new Perceptron(2);
        var y = Tensor.FromArray(targets);
        Assert.True(p.Train(X, y, 0.5, 100), gate);
        Assert.Equal(targets, p.Predict(X).ToDoubleArray());
    }

    [Fact]
    public void Never_reaches_full_accuracy_on_xor()
    {
        var p = new Perceptron(2);
        var y = Tensor.FromArray([0.0, 1, 1, 0]);
        for (int round = 0; round < 50; round++)
        {
            Assert.False(p.Train(X, y, 0.5, 1));
            Assert.True(p.Accuracy(X, y) < 1.0);
        }
    }

    [Fact]
    public void One_update_follows_the_rule()
    {
        var p = new Perceptron(2);
        // ŷ(1, 1) = step(0) = 0, target 1: w ← 0 + 0.5·(1 − 0)·(1, 1), b ← 0.5.
        p.Train(Tensor.FromArray(new double[] { 1, 1 }, 1, 2), Tensor.FromArray([1.0]), 0.5, 1);
        Assert.Equal([0.5, 0.5], p.Weights.ToDoubleArray());
        Assert.Equal(0.5, p.Bias.Item());
    }
}
