using AutoGrad.Differentiation;

namespace AutoGrad.Onnx.Tests;

/// <summary>The core's trace of op arguments (Note [Op traces]) that the exporter reads.</summary>
public class OpTraceTests
{
    [Fact]
    public void Ops_describe_themselves_only_while_a_trace_is_open()
    {
        var x = Tensor.Randn(new Shape(2, 3), new Generator(31));
        Assert.False(OpTrace.IsActive);
        using (var trace = OpTrace.Begin())
        {
            Assert.True(OpTrace.IsActive);
            var y = x.Softmax(0);
            var d = trace.Of(y);
            Assert.NotNull(d);
            Assert.Equal("Softmax", d.Op);
            Assert.Same(x, d.Inputs[0]);
            Assert.Equal(0, d.Get<int>("axis"));
            Assert.Contains(nameof(OpTraceTests), d.Site.File);
            Assert.Null(trace.Of(x));
            Assert.Throws<InvalidOperationException>(() => OpTrace.Begin());
        }
        Assert.False(OpTrace.IsActive);
        using var second = OpTrace.Begin();
        var outside = x * 2.0;
        Assert.Equal(2.0, second.Of(outside)!.Get<double>("c"));
    }

    [Fact]
    public void The_outermost_op_wins_and_an_op_returning_its_input_is_not_described()
    {
        var x = Tensor.Randn(new Shape(1, 1, 6, 6), new Generator(32));
        var w = Tensor.Randn(new Shape(2, 1, 3, 3), new Generator(33));
        using var trace = OpTrace.Begin();
        var y = x.Conv2d(w, null, stride: 2, padding: 1);
        var d = trace.Of(y)!;
        Assert.Equal("Conv2d", d.Op);   // not the Reshape it ends with
        Assert.Equal(new[] { 1, 1, 1, 1 }, d.Get<int[]>("pads"));
        Assert.Null(d.Inputs[2]);
        var same = x.Permute([0, 1, 2, 3]);   // the identity permutation returns x itself
        Assert.Same(x, same);
        Assert.Null(trace.Of(same));
    }
}
