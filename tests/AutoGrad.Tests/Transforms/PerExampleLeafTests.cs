using AutoGrad.Differentiation;

namespace AutoGrad.Tests.Transforms;

/// <summary>
/// Vmap(Grad) with respect to an input shared by every example that a product reads (Note [Per-example leaves] in
/// src/AutoGrad/Ops/Batching.Rules.cs): the product runs once against the shared matrix, and the per-example
/// gradients, second derivatives through them included, equal the loop over the batch in float64.
/// </summary>
public class PerExampleLeafTests
{
    private const int B = 3;

    private static Tensor R(int seed, params int[] dims) => Tensor.Randn(new Shape(dims), new Generator((ulong)seed), DType.Float64);

    // Both layouts of the product: x·W1 (rows per example: 1 or 2), then AutoGrad.NN.F.Linear (W2 stored (out, in)) with a shared bias,
    // W1 read again by an element-wise op (which fills its per-example copies).
    private static Tensor Loss(Tensor[] p, Tensor x, bool readAgain)
    {
        var h = x.MatMul(p[0]).Tanh();
        var y = AutoGrad.NN.F.Linear(h, p[1], p[2]).Tanh().Sum();
        return readAgain ? y + p[0].Square().Sum() * 0.1 : y;
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    public void Per_example_gradients_of_shared_weights_equal_the_loop(int rows, bool readAgain)
    {
        Tensor[] p = [R(1, 4, 3), R(2, 2, 3), R(3, 2)];
        var x = R(4, B, rows, 4);
        var got = Functional.Vmap(Functional.Grad(v => Loss(v[..3], v[3], readAgain), [0, 1, 2]), [null, null, null, 0], [0, 0, 0])([.. p, x]);
        for (int b = 0; b < B; b++)
        {
            var expected = Functional.Grad(v => Loss(v, x.Select(0, b), readAgain))(p);
            for (int i = 0; i < 3; i++)
                VmapOpTableTests.AssertClose(expected[i].ToDoubleArray(), got[i].Select(0, b).ToDoubleArray(), $"rows {rows}, parameter {i}, example {b}");
        }
    }

    [Fact]
    public void Gradients_through_per_example_gradients_equal_the_loop()
    {
        Tensor[] p = [R(5, 4, 3), R(6, 2, 3), R(7, 2)];
        var x = R(8, B, 1, 4).RequireGrad();
        var c = R(9, B, 4, 3);
        // The per-example gradient of W1 depends on x (through both products' rules); its gradient with respect to x
        // is a second derivative, taken through the recorded backward pass.
        var perExample = Functional.Vmap(Functional.Grad(v => Loss(v[..3], v[3], false), [0]), [null, null, null, 0], [0])([.. p, x])[0];
        var got = Functional.Grad([(perExample * c).Sum()], [x])[0]!;
        for (int b = 0; b < B; b++)
        {
            var xb = x.Detach().Select(0, b).Clone().RequireGrad();
            var gw = Functional.Grad(v => Loss([v[0], p[1], p[2]], xb, false), [0], createGraph: true)([p[0]])[0];
            var expected = Functional.Grad([(gw * c.Select(0, b)).Sum()], [xb])[0]!;
            VmapOpTableTests.AssertClose(expected.ToDoubleArray(), got.Select(0, b).ToDoubleArray(), $"example {b}");
        }
    }
}
