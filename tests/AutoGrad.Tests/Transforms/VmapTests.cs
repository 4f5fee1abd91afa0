using AutoGrad.Differentiation;

namespace AutoGrad.Tests.Transforms;

/// <summary>Vmap's own behaviour: axes, nesting, unbatched inputs, the loop fallback and bad input.</summary>
public class VmapTests
{
    private static Tensor Seq(params int[] dims) =>
        Tensor.FromArray(Enumerable.Range(0, dims.Aggregate(1, (p, d) => p * d)).Select(i => Math.Sin(i + 1.0)).ToArray()).Reshape(dims);

    [Fact]
    public void Batch_axis_in_the_middle_and_out_last_matches_the_loop()
    {
        var x = Seq(3, 4, 2);   // batch on axis 1
        var w = Seq(3, 5);      // unbatched
        Func<Tensor[], Tensor> f = xs => xs[0].Transpose().MatMul(xs[1]).Softmax(-1).Sum(0);   // (2, 3)·(3, 5) → (5)
        var got = Functional.Vmap(f, [1, null], 1)([x, w]);
        var loop = CombineOps.Stack(Enumerable.Range(0, 4).Select(b => f([x.Select(1, b), w])).ToArray(), 1);
        Assert.Equal(new Shape(5, 4), got.Shape);
        VmapOpTableTests.AssertClose(loop.ToDoubleArray(), got.ToDoubleArray(), "middle axis");
    }

    [Fact]
    public void Nested_vmap_gives_the_double_loop()
    {
        var a = Seq(2, 3, 4);
        var b = Seq(3, 4).Multiply(0.5);
        // Inner over b's rows, outer over a's first axis: the per-pair dot product (a[i, j] · b[k]) summed over j.
        Func<Tensor[], Tensor> pair = xs => xs[0].MatMul(xs[1]).Sum();
        var inner = Functional.Vmap(pair, [null, 0]);
        var outer = Functional.Vmap(xs => inner(xs), [0, null]);
        var got = outer([a, b]);
        Assert.Equal(new Shape(2, 3), got.Shape);
        var expected = new List<double>();
        for (int i = 0; i < 2; i++)
            for (int k = 0; k < 3; k++)
                expected.Add(pair([a.Select(0, i), b.Select(0, k)]).ToDoubleArray()[0]);
        VmapOpTableTests.AssertClose([.. expected], got.ToDoubleArray(), "nested");
    }

    [Fact]
    public void An_unbatched_result_is_repeated_along_the_batch()
    {
        var w = Seq(3);
        var got = Functional.Vmap(xs => xs[1].Exp(), [0, null])([Seq(4, 2), w]);
        Assert.Equal(new Shape(4, 3), got.Shape);
        Assert.Equal(w.Exp().ToDoubleArray(), got.Select(0, 3).ToDoubleArray());
    }

    [Fact]
    public void An_op_that_reads_values_falls_back_to_the_loop_and_is_named()
    {
        var log = new List<string>();
        Functional.t_fallbackLog = log;
        try
        {
            var x = Seq(3, 4);
            // Item() reads a value: no batching rule can exist, so the loop runs it.
            var got = Functional.Vmap(t => t * t.Sum().Item(), 0)(x);
            var loop = CombineOps.Stack(Enumerable.Range(0, 3).Select(b => x.Select(0, b) * x.Select(0, b).Sum().Item()).ToArray(), 0);
            Assert.Equal(loop.ToDoubleArray(), got.ToDoubleArray());
            Assert.Equal(["Item"], log);
        }
        finally { Functional.t_fallbackLog = null; }
    }

    [Fact]
    public void Mismatched_batch_sizes_name_both_inputs()
    {
        var e = Assert.Throws<ArgumentException>(() => Functional.Vmap(xs => xs[0] + xs[1], [0, 1])([Seq(3, 2), Seq(2, 4)]));
        Assert.Contains("inputs[0] has 3 along inDims[0] = 0 but inputs[1] has 4 along inDims[1] = 1", e.Message);
        Assert.Equal("inputs", e.ParamName);
    }

    [Fact]
    public void An_in_dim_outside_the_rank_names_the_input()
    {
        var e = Assert.Throws<ArgumentException>(() => Functional.Vmap(xs => xs[0] + xs[1], [0, 2])([Seq(3, 2), Seq(3, 2)]));
        Assert.Contains("inDims[1] = 2 is outside the rank of inputs[1] (shape (3, 2)", e.Message);
        Assert.Equal("inDims", e.ParamName);
    }

    [Fact]
    public void A_function_returning_no_tensor_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => Functional.Vmap(_ => null!, [0])([Seq(3, 2)]));
        Assert.Contains("f returned null", e.Message);
        Assert.Equal("f", e.ParamName);
        var many = Assert.Throws<ArgumentException>(() => Functional.Vmap(xs => [xs[0], null!], [0], [0, 0])([Seq(3, 2)]));
        Assert.Contains("f returned null for output 1", many.Message);
        Assert.Throws<ArgumentException>(() => Functional.Vmap(xs => xs[0], [null])([Seq(3, 2)]));
    }

    [Fact]
    public void Inputs_and_in_dims_must_pair_up()
    {
        var e = Assert.Throws<ArgumentException>(() => Functional.Vmap(xs => xs[0], [0, 0])([Seq(3, 2)]));
        Assert.Contains("1 inputs but 2 inDims", e.Message);
    }
}
