using AutoGrad.Differentiation;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Autograd;

// Note [Unrecorded ops] in Recorder.cs: hot ops skip their rule's closure when nothing is recorded, and still do the
// bookkeeping of an unrecorded op (call site, anomaly check).
public class UnrecordedOpTests
{
    private static Tensor U(ulong seed, params int[] shape) => Tensor.Uniform(new Shape(shape), new Generator(seed), -1, 1, DType.Float64);

    // Managed bytes per call on this thread after a warm-up: the least of three averages, so that a one-off allocation
    // of the runtime's (tiering up a method) does not count.
    private static double BytesPerCall(Action a)
    {
        for (int i = 0; i < 20; i++) a();
        double best = double.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long b0 = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++) a();
            best = Math.Min(best, (GC.GetAllocatedBytesForCurrentThread() - b0) / 50.0);
        }
        return best;
    }

    [Fact]
    public void Unrecorded_ops_allocate_little_more_than_their_result()
    {
        var a = U(1, 4, 3);
        var b = U(2, 3, 2);
        var bias = U(3, 2);
        var g = U(4, 4, 3);
        using (Recorder.NoGrad())
        {
            // The result alone: the tensor, its storage and array, and (for a new shape) one dims array.
            double product = BytesPerCall(() => Tensor.Uninitialized(Shape.Wrap([4, 2]), DType.Float64));
            double sameShape = BytesPerCall(() => Tensor.Uninitialized(a.Shape, DType.Float64));
            double row = BytesPerCall(() => Tensor.Uninitialized(new Shape(3), DType.Float64)) - BytesPerCall(() => new Shape(3));
            // A rule closure and its delegate alone take more than this slack.
            const double slack = 40;
            Assert.InRange(BytesPerCall(() => a.MatMul(b)), product, product + slack);
            Assert.InRange(BytesPerCall(() => LinearAlgebraOps.MatMul(a, b, false, false, bias)), product, product + slack);
            Assert.InRange(BytesPerCall(() => a.Relu()), sameShape, sameShape + slack);
            Assert.InRange(BytesPerCall(() => g.PassWherePositive(a)), sameShape, sameShape + slack);
            var target = new Shape(3);
            Assert.InRange(BytesPerCall(() => g.SumTo(target)), row, row + slack);
        }
    }

    [Fact]
    public void Anomaly_mode_still_checks_unrecorded_ops()
    {
        var a = Tensor.FromArray(new[] { double.NaN, 1, 2, 3 }, 2, 2);
        var b = U(1, 2, 2);
        var e = Assert.Throws<AnomalyException>(() => { using (Diagnostics.DetectAnomaly()) LinearAlgebraOps.MatMul(a, b, false, false, U(2, 2)); });
        Assert.Equal("MatMulAddBias", e.Op);
        Assert.Equal(3, e.InputStats.Count);
        Assert.Equal(1, e.InputStats[0].NaNs);
        e = Assert.Throws<AnomalyException>(() => { using (Diagnostics.DetectAnomaly()) a.SumTo(new Shape(2)); });
        Assert.Equal("SumTo", e.Op);
        Assert.Single(e.InputStats);
        // Recorded or not, the result carries the user's call site.
        Assert.True(a.Relu().Site.IsKnown);
    }

    [Theory]
    [InlineData(new[] { 5, 3 }, new[] { 3 })]
    [InlineData(new[] { 5, 3 }, new[] { 1, 3 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 4 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 1, 1, 4 })]
    [InlineData(new[] { 2, 3, 4 }, new int[0])]
    [InlineData(new[] { 2, 1, 4 }, new[] { 4 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 2, 1, 4 })]   // not a leading run of axes: the general path
    [InlineData(new[] { 0, 3 }, new[] { 3 })]
    public void SumTo_equals_the_sum_over_the_broadcast_axes(int[] from, int[] to)
    {
        var x = U(5, from).RequireGrad();
        var y = x.SumTo(new Shape(to));
        var expected = new double[new Shape(to).Size];
        var xs = x.ToDoubleArray();
        var fromShape = new Shape(from);
        var strides = fromShape.Strides();
        int lead = from.Length - to.Length;
        for (int i = 0; i < xs.Length; i++)
        {
            int flat = 0;
            for (int d = lead; d < from.Length; d++)
            {
                int coord = i / strides[d] % from[d];
                flat = flat * to[d - lead] + (to[d - lead] == 1 ? 0 : coord);
            }
            expected[flat] += xs[i];
        }
        Assert.Equal(new Shape(to), y.Shape);
        var got = y.ToDoubleArray();
        for (int i = 0; i < got.Length; i++) Assert.Equal(expected[i], got[i], 12);
        Assert.True(GradCheck.Check(t => t[0].SumTo(new Shape(to)), [x.Detach()]).Passed);
        Assert.True(GradGradCheck.Check(t => t[0].SumTo(new Shape(to)), [x.Detach()], seed: 2).Passed);
    }
}
