using AutoGrad.Differentiation;
using AutoGrad.NN;

namespace AutoGrad.Tests.Transforms;

/// <summary>
/// Dropout under Vmap draws each example's mask as the loop over the batch does from an equal generator (Note [Dropout masks
/// under Vmap] in src/AutoGrad/Ops/DropoutOps.cs): values and gradients, the batch axis first or not, nested Vmap.
/// </summary>
public class VmapDropoutTests
{
    private static Tensor X(params int[] shape) => Tensor.Uniform(new Shape(shape), new Generator(3), 0.5, 2, DType.Float64);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Each_example_gets_the_mask_the_loop_draws(int inDim)
    {
        var x = inDim == 0 ? X(5, 40) : X(40, 5);
        var loopDrop = new Dropout(0.5, new Generator(7));
        var loop = CombineOps.Stack([.. Enumerable.Range(0, 5).Select(b => loopDrop.Forward(x.Select(inDim, b)))], 0);
        var vmapDrop = new Dropout(0.5, new Generator(7));
        var got = Functional.Vmap(t => vmapDrop.Forward(t), inDim, 0)(x);
        Assert.Equal(loop.Shape, got.Shape);
        Assert.Equal(loop.ToDoubleArray(), got.ToDoubleArray());
        // The masks differ between examples (the bug this guards against gave every example the first one).
        var rows = Enumerable.Range(0, 5).Select(b => string.Join(",", got.Select(0, b).ToDoubleArray().Select(v => v == 0))).ToArray();
        Assert.True(rows.Distinct().Count() > 1, "every example got the same mask");
        Assert.Null(vmapDrop.LastMask);   // the per-example masks stay inside the Vmap call
        Assert.NotNull(loopDrop.LastMask);
        // Both generators moved on alike: the next call outside Vmap draws the same mask.
        Assert.Equal(loopDrop.Forward(x.Select(inDim, 0)).ToDoubleArray(), vmapDrop.Forward(x.Select(inDim, 0)).ToDoubleArray());
    }

    [Fact]
    public void Nested_vmap_draws_outer_example_first_as_the_nested_loop()
    {
        var x = X(2, 3, 16);
        var loopDrop = new Dropout(0.3, new Generator(11));
        var loop = CombineOps.Stack([.. Enumerable.Range(0, 2).Select(i =>
            CombineOps.Stack([.. Enumerable.Range(0, 3).Select(j => loopDrop.Forward(x.Select(0, i).Select(0, j)))], 0))], 0);
        var vmapDrop = new Dropout(0.3, new Generator(11));
        var got = Functional.Vmap(Functional.Vmap((Tensor t) => vmapDrop.Forward(t)))(x);
        Assert.Equal(loop.ToDoubleArray(), got.ToDoubleArray());
    }

    [Fact]
    public void Per_sample_gradients_through_dropout_equal_the_loop()
    {
        var x = X(4, 6);
        Tensor Loss(Tensor w, Tensor xb, Dropout d) => d.Forward(xb.MatMul(w)).Square().Sum();
        var w = Tensor.Uniform(new Shape(6, 5), new Generator(4), -1, 1, DType.Float64);
        var loopDrop = new Dropout(0.4, new Generator(13));
        var loop = CombineOps.Stack([.. Enumerable.Range(0, 4).Select(b => Functional.Grad(xs => Loss(xs[0], xs[1], loopDrop))([w, x.Select(0, b)])[0])], 0);
        var vmapDrop = new Dropout(0.4, new Generator(13));
        var got = Functional.Vmap(Functional.Grad(xs => Loss(xs[0], xs[1], vmapDrop), [0]), [null, 0], [0])([w, x])[0];
        Assert.Equal(loop.Shape, got.Shape);
        var (e, g) = (loop.ToDoubleArray(), got.ToDoubleArray());
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - g[i]) <= 1e-12 * (1 + Math.Abs(e[i])), $"element {i}: vmap {g[i]:R}, loop {e[i]:R}");
    }
}
