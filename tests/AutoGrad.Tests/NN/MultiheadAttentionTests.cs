using AutoGrad.NN;
using AutoGrad.Tests.Ops;

namespace AutoGrad.Tests.NN;

/// <summary>MultiheadAttention against attention written out from its PyTorch-layout parameters, its masks, names and errors.</summary>
public class MultiheadAttentionTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Uniform(new Shape(shape), new Generator(seed), -1, 1, DType.Float64);

    private static MultiheadAttention Make(double dropout = 0, bool batchFirst = true)
    {
        var m = new MultiheadAttention(8, 2, new Generator(3), dropout, batchFirst: batchFirst);
        m.To(DType.Float64);
        // Non-zero biases, so that a bias used in the wrong place shows.
        m.Rebind("in_proj_bias", R(40, 24));
        m.Rebind("out_proj.bias", R(41, 8));
        return m;
    }

    private static void Close(double[] expected, double[] got, double tol = 1e-12)
    {
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(expected[i] - got[i]) <= tol, $"element {i}: expected {expected[i]:R}, got {got[i]:R}");
    }

    // y = concat(heads)·W_Oᵀ + b_O, headᵢ by definition (OpTable.NaiveAttention), from the parameters in (out, in) layout.
    private static double[] Reference(MultiheadAttention m, Tensor query, Tensor key, Tensor value, Tensor? mask, bool causal)
    {
        var p = m.NamedParameters().ToDictionary(kv => kv.Key, kv => kv.Value.Detach());
        var w = p["in_proj_weight"].Split(8, 0);
        var b = p["in_proj_bias"].Split(8, 0);
        Tensor Heads(Tensor x, int i) => (x.MatMul(w[i].Transpose()) + b[i]).Reshape(x.Shape[0], x.Shape[1], 2, 4).Permute(0, 2, 1, 3);
        var heads = OpTable.NaiveAttention(Heads(query, 0), Heads(key, 1), Heads(value, 2), mask, causal, 0, 0, null);
        var merged = Tensor.FromArray(heads, query.Shape[0], 2, query.Shape[1], 4).Permute(0, 2, 1, 3).Reshape(query.Shape[0], query.Shape[1], 8);
        return (merged.MatMul(p["out_proj.weight"].Transpose()) + p["out_proj.bias"]).ToDoubleArray();
    }

    [Fact]
    public void Parameters_have_PyTorchs_names_and_layouts()
    {
        var m = new MultiheadAttention(8, 2, new Generator(1));
        var shapes = m.NamedParameters().ToDictionary(p => p.Key, p => p.Value.Shape.ToString());
        Assert.Equal(new Dictionary<string, string>
        {
            ["in_proj_weight"] = "(24, 8)", ["in_proj_bias"] = "(24,)", ["out_proj.weight"] = "(8, 8)", ["out_proj.bias"] = "(8,)",
        }, shapes);
        Assert.Equal(4, m.HeadDim);
    }

    [Fact]
    public void Self_attention_and_cross_attention_match_the_definition()
    {
        var m = Make();
        var x = R(1, 2, 5, 8);
        Close(Reference(m, x, x, x, null, false), m.Forward(x).ToDoubleArray());
        var (kv, v) = (R(2, 2, 7, 8), R(3, 2, 7, 8));
        var (y, _) = m.Forward(x, kv, v, needWeights: false);
        Close(Reference(m, x, kv, v, null, false), y.ToDoubleArray());
    }

    [Fact]
    public void Key_padding_and_attention_masks_add_to_every_heads_scores()
    {
        var m = Make();
        var (x, kv) = (R(1, 2, 5, 8), R(2, 2, 7, 8));
        var pad = Tensor.Zeros(new Shape(2, 7), DType.Float64);
        for (int j = 5; j < 7; j++) pad.SetFlat(j, double.NegativeInfinity);   // batch 0: last two keys are padding
        var attn = R(4, 5, 7);
        var expected = Reference(m, x, kv, kv, pad.Reshape(2, 1, 1, 7) + attn, true);
        var (fused, none) = m.Forward(x, kv, kv, pad, attn, needWeights: false, isCausal: true);
        Assert.Null(none);
        Close(expected, fused.ToDoubleArray());
        var (composed, weights) = m.Forward(x, kv, kv, pad, attn, needWeights: true, isCausal: true);
        Close(expected, composed.ToDoubleArray());
        // Averaged weights (N, L, S): rows sum to 1, zero on the padded and the future keys.
        Assert.Equal(new Shape(2, 5, 7), weights!.Shape);
        var wv = weights.ToDoubleArray();
        for (int r = 0; r < 10; r++) Assert.Equal(1.0, wv.Skip(r * 7).Take(7).Sum(), 12);
        for (int i = 0; i < 5; i++) for (int j = 0; j < 7; j++)
            if (j > i || j >= 5) Assert.Equal(0.0, wv[i * 7 + j]);
        var (_, perHead) = m.Forward(x, kv, kv, pad, attn, needWeights: true, averageAttnWeights: false, isCausal: true);
        Assert.Equal(new Shape(2, 2, 5, 7), perHead!.Shape);
        Close(wv, perHead.Mean(1).ToDoubleArray());
    }

    [Fact]
    public void Bool_key_padding_mask_hides_where_true_like_minus_infinity()
    {
        var m = Make();
        var (x, kv) = (R(1, 2, 5, 8), R(2, 2, 7, 8));
        var hide = new bool[14];
        for (int j = 5; j < 7; j++) hide[j] = true;   // batch 0: last two keys are padding (True = ignore, as in PyTorch's MHA)
        var pad = Tensor.Zeros(new Shape(2, 7), DType.Float64);
        for (int j = 5; j < 7; j++) pad.SetFlat(j, double.NegativeInfinity);
        var boolPad = Tensor.FromArray(hide, 2, 7);
        Assert.Equal(DType.Bool, boolPad.DType);
        foreach (bool weights in new[] { false, true })
            Close(m.Forward(x, kv, kv, pad, null, needWeights: weights).Item1.ToDoubleArray(),
                m.Forward(x, kv, kv, boolPad, null, needWeights: weights).Item1.ToDoubleArray());
    }

    [Fact]
    public void Sequence_first_layout_is_the_transposed_batch_first()
    {
        var (a, b) = (Make(), Make(batchFirst: false));
        var x = R(1, 2, 5, 8);
        Close(a.Forward(x).ToDoubleArray(), b.Forward(x.Transpose(0, 1)).Transpose(0, 1).ToDoubleArray());
    }

    [Fact]
    public void Dropout_acts_in_training_only()
    {
        var (plain, dropped) = (Make(), Make(dropout: 0.5));
        var x = R(1, 2, 5, 8);
        Assert.NotEqual(plain.Forward(x).ToDoubleArray(), dropped.Forward(x).ToDoubleArray());
        dropped.Eval();
        Close(plain.Forward(x).ToDoubleArray(), dropped.Forward(x).ToDoubleArray());
    }

    [Fact]
    public void Bad_configurations_and_shapes_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new MultiheadAttention(10, 3, new Generator(1)));
        Assert.Equal("MultiheadAttention: embedDim 10 is not divisible by numHeads 3.", e.Message);
        var m = Make();
        var x = R(1, 2, 5, 8);
        e = Assert.Throws<ArgumentException>(() => m.Forward(R(2, 2, 5, 6)));
        Assert.Contains("must end in embedDim 8, got query (2, 5, 6)", e.Message);
        e = Assert.Throws<ArgumentException>(() => m.Forward(x, R(3, 2, 7, 8), R(4, 2, 6, 8)));
        Assert.Contains("key and value must have the same length S", e.Message);
        e = Assert.Throws<ArgumentException>(() => m.Forward(x, x, x, attnMask: R(5, 5, 4)));
        Assert.Contains("attnMask must be (L, S) = (5, 5) or (N·H, L, S) = (4, 5, 5), got (5, 4)", e.Message);
        e = Assert.Throws<ArgumentException>(() => m.Forward(x, x, x, keyPaddingMask: R(6, 5, 2)));
        Assert.Contains("keyPaddingMask must be (N, S) = (2, 5), got (5, 2)", e.Message);
    }
}
