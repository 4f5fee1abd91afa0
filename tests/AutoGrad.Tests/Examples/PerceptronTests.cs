using PerceptronExample;

namespace AutoGrad.Tests.Examples;

public class PerceptronTests
{
    private static readonly LogicGatesResult Result = LogicGates.Run(TextWriter.Null);

    [Theory]
    [InlineData("NAND")]
    [InlineData("AND")]
    [InlineData("OR")]
    public void The_perceptron_rule_learns_the_linearly_separable_gates(string gate)
    {
        var g = Result.Gates.Single(r => r.Gate == gate);
        Assert.True(g.Converged);
        Assert.Equal(1.0, g.Accuracy);
    }

    [Fact]
    public void The_perceptron_rule_does_not_converge_on_xor()
    {
        var xor = Result.Gates.Single(r => r.Gate == "XOR");
        Assert.False(xor.Converged);
        Assert.True(xor.Accuracy <= 0.75, $"a line separates at most 3 of XOR's 4 points, got accuracy {xor.Accuracy}");
    }

    [Fact]
    public void A_hidden_layer_solves_xor()
    {
        Assert.True(Result.Network.Solved);
        double[] target = [0, 1, 1, 0];
        for (int i = 0; i < 4; i++) Assert.True(Math.Abs(Result.Network.Outputs[i] - target[i]) < 0.05, $"output {i} = {Result.Network.Outputs[i]}");
        Assert.True(Result.Network.FinalLoss < 0.05, $"final loss {Result.Network.FinalLoss}");
    }
}
