namespace AutoGrad.Tests.Ops;

/// <summary>Einsum's '...' broadcasting against the same contraction written in ops, and its errors.</summary>
public class EinsumTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Uniform(new Shape(shape), new Generator(seed), -1, 1, DType.Float64);

    private static void Close(Tensor expected, Tensor got)
    {
        Assert.Equal(expected.Shape, got.Shape);
        var (e, g) = (expected.ToDoubleArray(), got.ToDoubleArray());
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - g[i]) <= 1e-12, $"element {i}: expected {e[i]:R}, got {g[i]:R}");
    }

    [Fact]
    public void Ellipsis_batch_axes_broadcast_like_MatMul()
    {
        var (a, b) = (R(1, 2, 1, 2, 3), R(2, 3, 3, 4));
        Close(a.MatMul(b), EinsumOps.Einsum("...ij,...jk->...ik", a, b));
        Close(a.MatMul(b), EinsumOps.Einsum("...ij,...jk", a, b));   // implicit output: '...' first, then i, k
    }

    [Fact]
    public void Ellipsis_in_the_middle_and_a_batched_diagonal()
    {
        var x = R(3, 2, 4, 4);
        var diag = EinsumOps.Einsum("...ii->...i", x);
        var expected = Tensor.Zeros(new Shape(2, 4), DType.Float64);
        var v = x.ToDoubleArray();
        for (int b = 0; b < 2; b++) for (int i = 0; i < 4; i++) expected.SetFlat(b * 4 + i, v[b * 16 + i * 5]);
        Close(expected, diag);
        var (p, q) = (R(4, 3, 2, 5), R(5, 3, 2, 5));
        Close((p * q).Sum([0, 2]), EinsumOps.Einsum("i...j,i...j->...", p, q));
    }

    [Fact]
    public void Explicit_output_without_ellipsis_sums_the_ellipsis_axes()
    {
        var x = R(6, 2, 3, 4);
        Close(x.Sum([0, 1]), EinsumOps.Einsum("...i->i", x));
    }

    [Fact]
    public void Attention_scores_and_the_implicit_trace()
    {
        var (q, k) = (R(7, 2, 3, 5, 4), R(8, 2, 3, 6, 4));
        Close(q.MatMul(k.Transpose()), EinsumOps.Einsum("bhld,bhsd->bhls", q, k));
        var m = R(9, 4, 4);
        Assert.Equal(Enumerable.Range(0, 4).Sum(i => m.ToDoubleArray()[i * 5]), EinsumOps.Einsum("ii", m).ToDoubleArray()[0], 12);
    }

    [Fact]
    public void Gradient_of_a_trace_is_the_identity()
    {
        var m = R(10, 3, 3).RequireGrad();
        EinsumOps.Einsum("ii->", m).Backward();
        Assert.Equal(Tensor.Eye(3, dtype: DType.Float64).ToDoubleArray(), m.Grad!.ToDoubleArray());
    }

    [Theory]
    [InlineData("ij,jk->ik", 1, "2 input term(s) but 1 operand(s)")]
    [InlineData("ij->i2", 1, "character '2' (labels are the letters a–z and A–Z) at position 5")]
    [InlineData("i.j->ij", 1, "'.' that is not part of '...' at position 1")]
    [InlineData("......->", 1, "a second '...' in one term at position 3")]
    [InlineData("ij-ji", 1, "'-' that is not part of '->' at position 2")]
    [InlineData("ij->jj", 1, "output label 'j' repeated at position 5")]
    [InlineData("ij->k", 1, "output label 'k' appears in no input at position 4")]
    [InlineData("ij->j->i", 1, "a second '->' at position 5")]
    public void A_malformed_equation_names_the_equation_and_the_position(string eq, int operands, string message)
    {
        var xs = Enumerable.Range(0, operands).Select(i => R((ulong)i, 2, 2)).ToArray();
        var e = Assert.Throws<ArgumentException>(() => EinsumOps.Einsum(eq, xs));
        Assert.StartsWith($"Einsum: equation '{eq}'", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Ranks_and_sizes_that_do_not_match_the_equation_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => EinsumOps.Einsum("ijk->i", R(1, 2, 3)));
        Assert.Contains("term 'ijk' at position 0 names 3 axes but operand 0 has shape (2, 3) (rank 2)", e.Message);
        e = Assert.Throws<ArgumentException>(() => EinsumOps.Einsum("ij,jk->ik", R(1, 2, 3), R(2, 4, 2)));
        Assert.Contains("label 'j' has size 3 in one place and 4 at axis 0 of operand 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => EinsumOps.Einsum("...i,...i->...", R(1, 2, 3), R(2, 4, 3)));
        Assert.Contains("label '...' axis 0 has size 2 in one place and 4", e.Message);
    }

    [Fact]
    public void Log1p_and_Expm1_keep_the_digits_of_a_tiny_argument()
    {
        // (1 + x).Log() gives 0 for x = 1e-10 in float32; the primitives keep x to a float32 rounding.
        var x = Tensor.FromArray(new float[] { 1e-10f, -1e-7f });
        var (l, e) = (x.Log1p().ToDoubleArray(), x.Expm1().ToDoubleArray());
        foreach (var (got, want) in new[] { (l[0], 1e-10 - 5e-21), (l[1], -1e-7 - 5e-15), (e[0], 1e-10 + 5e-21), (e[1], -1e-7 + 5e-15) })
            Assert.True(Math.Abs(got - want) <= 1e-7 * Math.Abs(want), $"got {got:R}, want {want:R}");
        Assert.Equal(double.NegativeInfinity, Tensor.FromArray(new double[] { -1 }).Log1p().ToDoubleArray()[0]);
    }
}
