using AutoGrad.Differentiation;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Ops;

public class PadInfinityTests
{
    [Fact]
    public void Pad_with_an_infinite_value_keeps_the_interior()
    {
        // Before the fix, Pad computed (x − value) scattered + value, so −∞ padding turned the interior into NaN.
        var x = Tensor.FromArray(new double[] { 1, 2 }, 1, 2);
        var y = x.Pad([(0, 0), (1, 1)], double.NegativeInfinity);
        Assert.Equal([double.NegativeInfinity, 1, 2, double.NegativeInfinity], y.ToDoubleArray());
        Assert.Equal([7.0, 1, 2, 7], x.Pad([(0, 0), (1, 1)], 7).ToDoubleArray());
        GradCheck.Assert(xs => xs[0].Pad([(1, 0), (0, 2)], 3.0), [x]);
    }
}
