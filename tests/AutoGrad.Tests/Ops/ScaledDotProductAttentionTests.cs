using AutoGrad.Kernels;

namespace AutoGrad.Tests.Ops;

/// <summary>
/// The fused attention against the same attention composed from MatMul and Softmax (AttentionComposed), in float64, on
/// shapes that span several 64×64 tiles: values and all three gradients, with masks, causality, padding and dropout.
/// </summary>
public class ScaledDotProductAttentionTests
{
    private const int B = 2, L = 70, S = 130, E = 5, Ev = 3;

    private static Tensor R(ulong seed, params int[] shape) => Tensor.Uniform(new Shape(shape), new Generator(seed), -1.5, 1.5, DType.Float64);

    private static void Close(Tensor expected, Tensor got, string what, double tol = 1e-11)
    {
        Assert.Equal(expected.Shape, got.Shape);
        var (e, g) = (expected.ToDoubleArray(), got.ToDoubleArray());
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - g[i]) <= tol * (1 + Math.Abs(e[i])), $"{what}: element {i}: composed {e[i]:R}, fused {g[i]:R}");
    }

    // Runs both forms on the same inputs and upstream gradient; returns the fused output for further checks.
    private static Tensor Compare(Tensor? mask, bool causal, double dropout = 0, int l = L)
    {
        var (q, k, v) = (R(1, B, l, E).RequireGrad(), R(2, B, S, E).RequireGrad(), R(3, B, S, Ev).RequireGrad());
        var up = R(4, B, l, Ev);
        var y = q.ScaledDotProductAttention(k, v, mask, causal, dropout, generator: new Generator(9));
        (y * up).Sum().Backward();
        var (gq, gk, gv) = (q.Grad!, k.Grad!, v.Grad!);
        q.ZeroGrad(); k.ZeroGrad(); v.ZeroGrad();
        var sh = new AttentionShape(B, l, S, E, Ev, 1 / Math.Sqrt(E), causal, dropout, new Generator(9).NextUInt64());
        var reference = AttentionComposed.Forward(q, k, v, mask, sh);
        (reference * up).Sum().Backward();
        Close(reference, y, "output");
        Close(q.Grad!, gq, "dQ");
        Close(k.Grad!, gk, "dK");
        Close(v.Grad!, gv, "dV");
        return y;
    }

    [Fact]
    public void Unmasked_matches_the_composed_form() => Compare(null, false);

    [Fact]
    public void Additive_mask_broadcast_over_the_batch_matches() => Compare(R(5, L, S), false);

    [Fact]
    public void Causal_matches_and_combines_with_a_mask()
    {
        Compare(null, true);
        Compare(R(6, B, 1, S), true);
    }

    [Fact]
    public void Key_padding_hides_the_padded_keys()
    {
        // Batch 0 has 100 real keys, batch 1 all 130: −∞ on the padded ones, as MultiheadAttention builds it.
        var pad = Tensor.Zeros(new Shape(B, 1, S), DType.Float64);
        for (int j = 100; j < S; j++) pad.SetFlat(j, double.NegativeInfinity);
        var y = Compare(pad, false);
        // The padded keys' values cannot matter: change them and the output stays.
        var (q, k, v) = (R(1, B, L, E), R(2, B, S, E), R(3, B, S, Ev));
        var v2 = v.Clone();
        for (int j = 100; j < S; j++) for (int e = 0; e < Ev; e++) v2.SetFlat(j * Ev + e, 1e6);
        Assert.Equal(q.ScaledDotProductAttention(k, v, pad).ToDoubleArray(), q.ScaledDotProductAttention(k, v2, pad).ToDoubleArray());
        Assert.Equal(y.ToDoubleArray(), q.ScaledDotProductAttention(k, v, pad).ToDoubleArray());
    }

    [Fact]
    public void A_fully_masked_row_gives_zeros_and_zero_gradients()
    {
        var mask = Tensor.Zeros(new Shape(L, S), DType.Float64);
        foreach (int row in new[] { 0, 65, 69 }) for (int j = 0; j < S; j++) mask.SetFlat(row * S + j, double.NegativeInfinity);
        var y = Compare(mask, false).ToDoubleArray();
        foreach (int row in new[] { 0, 65, 69 })
            for (int e = 0; e < Ev; e++) Assert.Equal(0.0, y[row * Ev + e]);
        Assert.True(y.All(double.IsFinite));
        var q = R(1, B, L, E).RequireGrad();
        q.ScaledDotProductAttention(R(2, B, S, E), R(3, B, S, Ev), mask).Sum().Backward();
        Assert.All(Enumerable.Range(0, E), e => Assert.Equal(0.0, q.Grad!.ToDoubleArray()[e]));
    }

    [Fact]
    public void Dropout_uses_one_mask_in_forward_and_backward()
    {
        Compare(null, false, dropout: 0.25);
        Compare(R(7, L, S), true, dropout: 0.5);
        // The seed comes from the generator: the same generator state gives the same output, another gives another.
        var (q, k, v) = (R(1, B, L, E), R(2, B, S, E), R(3, B, S, Ev));
        var a = q.ScaledDotProductAttention(k, v, dropoutP: 0.3, generator: new Generator(11)).ToDoubleArray();
        Assert.Equal(a, q.ScaledDotProductAttention(k, v, dropoutP: 0.3, generator: new Generator(11)).ToDoubleArray());
        Assert.NotEqual(a, q.ScaledDotProductAttention(k, v, dropoutP: 0.3, generator: new Generator(12)).ToDoubleArray());
        // About 30 % of the weights dropped.
        int kept = 0, n = 100_000;
        for (int i = 0; i < n; i++) if (AttentionKernels.DropoutKeep(5, i, 0.3)) kept++;
        Assert.InRange(kept / (double)n, 0.69, 0.71);
    }

    [Fact]
    public void More_queries_than_keys_under_causality_match()
    {
        Compare(null, true, l: 150);
    }

    [Fact]
    public void Float32_agrees_with_float64()
    {
        var (q, k, v) = (R(1, B, L, E), R(2, B, S, E), R(3, B, S, Ev));
        var y64 = q.ScaledDotProductAttention(k, v, isCausal: true).ToDoubleArray();
        var y32 = q.To(DType.Float32).ScaledDotProductAttention(k.To(DType.Float32), v.To(DType.Float32), isCausal: true).ToDoubleArray();
        for (int i = 0; i < y64.Length; i++) Assert.True(Math.Abs(y64[i] - y32[i]) <= 1e-5, $"element {i}: {y64[i]:R} vs {y32[i]:R}");
    }

    [Fact]
    public void Bad_shapes_and_options_are_named()
    {
        var (q, k, v) = (R(1, 2, 4, 3), R(2, 2, 5, 3), R(3, 2, 5, 2));
        var e = Assert.Throws<ArgumentException>(() => q.ScaledDotProductAttention(k, v, Tensor.Zeros(new Shape(4, 4), DType.Float64)));
        Assert.Contains("ScaledDotProductAttention: attention mask of shape (4, 4) does not broadcast to the scores' shape (2, 4, 5)", e.Message);
        e = Assert.Throws<ArgumentException>(() => q.ScaledDotProductAttention(R(4, 2, 5, 2), v));
        Assert.Contains("ScaledDotProductAttention: q and k must have the same last axis E, got q (2, 4, 3), k (2, 5, 2), v (2, 5, 2)", e.Message);
        e = Assert.Throws<ArgumentException>(() => q.ScaledDotProductAttention(k, R(5, 2, 6, 2)));
        Assert.Contains("k and v must have the same number of keys S", e.Message);
        e = Assert.Throws<ArgumentException>(() => q.ScaledDotProductAttention(R(6, 3, 5, 3), R(7, 3, 5, 2)));
        Assert.Contains("same leading (batch, head) axes", e.Message);
        e = Assert.Throws<ArgumentException>(() => q.ScaledDotProductAttention(k, v, dropoutP: 0.1));
        Assert.Contains("needs a generator", e.Message);
    }

    [Fact]
    public void Bool_mask_means_take_part_and_equals_its_additive_form()
    {
        // PyTorch's scaled_dot_product_attention: True takes part, False is −∞. Here every row keeps at least one key.
        var keep = new bool[L * S];
        for (int i = 0; i < L; i++) for (int j = 0; j < S; j++) keep[i * S + j] = (i + 2 * j) % 3 != 0;
        var boolMask = Tensor.FromArray(keep, L, S);
        var additive = Tensor.Zeros(new Shape(L, S), DType.Float64);
        for (int f = 0; f < keep.Length; f++) if (!keep[f]) additive.SetFlat(f, double.NegativeInfinity);
        var (q, k, v) = (R(1, B, L, E), R(2, B, S, E), R(3, B, S, Ev));
        Close(q.ScaledDotProductAttention(k, v, additive), q.ScaledDotProductAttention(k, v, boolMask), "bool vs additive", 0);
        Compare(boolMask, false);   // and against the composed form, gradients included
    }
}
