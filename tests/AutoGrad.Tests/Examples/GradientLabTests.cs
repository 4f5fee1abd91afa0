using GradientLab;

namespace AutoGrad.Tests.Examples;

public class GradientLabTests
{
    private static readonly LabResult Result = Lab.Run(TextWriter.Null);

    [Fact]
    public void The_custom_op_passes_first_and_second_order_checks()
    {
        Assert.True(Result.CustomOpCheck.Passed, Result.CustomOpCheck.Report);
        Assert.True(Result.CustomOpSecondOrderCheck.Passed, Result.CustomOpSecondOrderCheck.Report);
    }

    [Fact]
    public void The_wrong_backward_is_caught_with_both_values_in_the_report()
    {
        var r = Result.WrongBackwardCheck;
        Assert.False(r.Passed);
        // The wrong rule returns 1/(1 + |x|) where the truth is 1/(1 + |x|)², so analytical = √numerical.
        Assert.Equal(Math.Sqrt(r.Numerical), r.Analytical, 6);
        Assert.Contains("FAILED", r.Report);
    }

    [Fact]
    public void Hessians_match_their_closed_forms()
    {
        Assert.True(Result.LogSumExpHessianError < 1e-14, $"logsumexp Hessian error {Result.LogSumExpHessianError}");
        Assert.True(Result.SoftsignHessianError < 1e-14, $"softsign Hessian error {Result.SoftsignHessianError}");
    }

    [Fact]
    public void Sigmoid_gradients_vanish_towards_the_input_and_relu_gradients_do_not()
    {
        Assert.Equal(10, Result.Sigmoid.Norms.Length);
        Assert.True(Result.Sigmoid.FirstToLast < 1e-4, $"sigmoid first/last {Result.Sigmoid.FirstToLast}");
        Assert.True(Result.Relu.FirstToLast > 0.1, $"ReLU first/last {Result.Relu.FirstToLast}");
        // Through sigmoid each layer back shrinks the gradient (σ′ ≤ 1/4): the norms rise monotonically towards the output.
        for (int l = 1; l < Result.Sigmoid.Norms.Length; l++) Assert.True(Result.Sigmoid.Norms[l] > Result.Sigmoid.Norms[l - 1]);
    }
}
