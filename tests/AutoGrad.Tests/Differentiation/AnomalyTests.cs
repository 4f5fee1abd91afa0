using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;

namespace AutoGrad.Tests.Autograd;

public class AnomalyTests
{
    private static int Line([CallerLineNumber] int line = 0) => line;

    private static Tensor V(params double[] v) => Tensor.FromArray(v);

    [Fact]
    public void Forward_anomaly_names_the_op_its_line_and_the_inputs_statistics()
    {
        var x = V(1, 0, -1, 3);
        int line = 0;
        var e = Assert.Throws<AnomalyException>(() =>
        {
            using (Diagnostics.DetectAnomaly()) { var y = x.Exp(); line = Line(); x.Log(); }
        });
        Assert.Equal("Log", e.Op);
        Assert.False(e.IsBackward);
        Assert.Equal(line, e.Site.Line);
        Assert.Equal(1, e.ResultStats.NaNs);                  // ln(−1)
        Assert.Equal(1, e.ResultStats.Infinities);            // ln(0)
        var s = e.InputStats[0];
        Assert.Equal((4, -1.0, 3.0, 0.75, 0, 0), (s.Count, s.Min, s.Max, s.Mean, s.NaNs, s.Infinities));
        Assert.StartsWith($"Anomaly: Log at AnomalyTests.cs:{line} produced an output (4,) with non-finite values", e.Message);
        Assert.Contains("input 0: operand a (4,) float64 (a leaf); min -1, max 3, mean 0.75, NaN 0, ±∞ 0 (of 4)", e.Message);
        Assert.False(Diagnostics.IsAnomalyDetectionEnabled);
    }

    [Fact]
    public void Without_anomaly_mode_non_finite_values_pass_silently()
    {
        var y = V(0, -1).Log();
        Assert.True(double.IsNegativeInfinity(y[0]));
        Assert.True(double.IsNaN(y[1]));
    }

    [Fact]
    public void Backward_anomaly_names_the_op_whose_rule_produced_it()
    {
        var x = V(0, 4).RequireGrad();
        var (y, line) = (x.Sqrt(), Line());                   // finite forward; d√x/dx = 1/(2√x) is ∞ at 0
        var loss = y.Sum();
        var e = Assert.Throws<AnomalyException>(() =>
        {
            using (Diagnostics.DetectAnomaly()) loss.Backward();
        });
        Assert.True(e.IsBackward);
        Assert.Equal("Sqrt", e.Op);
        Assert.Equal(line, e.Site.Line);
        Assert.Equal(1, e.ResultStats.Infinities);
        Assert.Equal(0.25, e.ResultStats.Max, 12);            // the finite element: 1/(2·2)
        Assert.StartsWith($"Anomaly: in the backward of Sqrt recorded at AnomalyTests.cs:{line}, the gradient for input 0 (2,)", e.Message);
        Assert.Contains("incoming gradient ∂L/∂output (2,): min 1, max 1, mean 1, NaN 0, ±∞ 0 (of 2)", e.Message);
    }

    [Fact]
    public void In_anomaly_mode_an_operator_reports_the_users_line()
    {
        var a = V(1, 2).RequireGrad();
        var b = V(0, 1);
        int line = 0;
        var e = Assert.Throws<AnomalyException>(() =>
        {
            using (Diagnostics.DetectAnomaly()) { line = Line() + 1;
                _ = a / b; }
        });
        Assert.Equal("Divide", e.Op);
        Assert.Equal(line, e.Site.Line);
        Assert.Equal("AnomalyTests.cs", Path.GetFileName(e.Site.File));
    }
}
