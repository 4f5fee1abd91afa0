using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

/// <summary>Transformer layers: PyTorch's names, pre/post-norm by definition, causality, stacking and positional encodings.</summary>
public class TransformerTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Uniform(new Shape(shape), new Generator(seed), -1, 1, DType.Float64);

    private static void Close(double[] expected, double[] got, double tol = 1e-12)
    {
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(expected[i] - got[i]) <= tol, $"element {i}: expected {expected[i]:R}, got {got[i]:R}");
    }

    [Fact]
    public void Encoder_layer_has_PyTorchs_parameter_names()
    {
        var layer = new TransformerEncoderLayer(8, 2, new Generator(1), dimFeedforward: 16);
        Assert.Equal(
            ["self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias", "linear1.weight", "linear1.bias",
             "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"],
            layer.NamedParameters().Select(p => p.Key).ToArray());
        var decoder = new TransformerDecoderLayer(8, 2, new Generator(1), dimFeedforward: 16);
        Assert.Contains("multihead_attn.out_proj.weight", decoder.NamedParameters().Select(p => p.Key));
        Assert.Contains("norm3.bias", decoder.NamedParameters().Select(p => p.Key));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Encoder_layer_is_the_residual_blocks_around_attention_and_feed_forward(bool normFirst)
    {
        var layer = new TransformerEncoderLayer(8, 2, new Generator(2), dimFeedforward: 16, dropout: 0, activation: TransformerActivation.Gelu, normFirst: normFirst);
        layer.To(DType.Float64);
        var x = R(1, 2, 5, 8);
        Tensor Sa(Tensor t) => layer.SelfAttn.Forward(t);
        Tensor Ff(Tensor t) => layer.Linear2.Forward(layer.Linear1.Forward(t).Gelu());
        Tensor expected;
        if (normFirst)
        {
            var h = x + Sa(layer.Norm1.Forward(x));
            expected = h + Ff(layer.Norm2.Forward(h));
        }
        else
        {
            var h = layer.Norm1.Forward(x + Sa(x));
            expected = layer.Norm2.Forward(h + Ff(h));
        }
        Close(expected.ToDoubleArray(), layer.Forward(x).ToDoubleArray());
    }

    [Fact]
    public void Causal_encoder_output_at_t_ignores_inputs_after_t()
    {
        var enc = new TransformerEncoder(new TransformerEncoderLayer(8, 2, new Generator(3), dimFeedforward: 16, dropout: 0, normFirst: true), 2);
        enc.To(DType.Float64);
        var x = R(1, 1, 6, 8);
        var y = enc.Forward(x, null, null, isCausal: true).ToDoubleArray();
        var x2 = x.Clone();
        for (int i = 4 * 8; i < 6 * 8; i++) x2.SetFlat(i, 5);   // change positions 4 and 5
        var y2 = enc.Forward(x2, null, null, isCausal: true).ToDoubleArray();
        Close(y.Take(4 * 8).ToArray(), y2.Take(4 * 8).ToArray());
        Assert.NotEqual(y.Skip(4 * 8).ToArray(), y2.Skip(4 * 8).ToArray());
    }

    [Fact]
    public void Encoder_stacks_copies_with_the_same_initial_weights_named_layers_i()
    {
        var layer = new TransformerEncoderLayer(8, 2, new Generator(4), dimFeedforward: 16);
        var enc = new TransformerEncoder(layer, 3, new LayerNorm(8));
        var names = enc.NamedParameters().Select(p => p.Key).ToArray();
        Assert.Equal(3 * 12 + 2, names.Length);
        Assert.Equal("layers.0.self_attn.in_proj_weight", names[0]);
        Assert.Contains("layers.2.norm2.bias", names);
        Assert.Equal("norm.bias", names[^1]);
        var p = enc.NamedParameters().ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(layer.Linear1.Weight.ToDoubleArray(), p["layers.2.linear1.weight"].ToDoubleArray());
        Assert.NotSame(p["layers.0.linear1.weight"], p["layers.1.linear1.weight"]);
    }

    [Fact]
    public void Decoder_layer_attends_to_its_memory()
    {
        var dec = new TransformerDecoderLayer(8, 2, new Generator(5), dimFeedforward: 16, dropout: 0);
        dec.To(DType.Float64);
        var (t, m1, m2) = (R(1, 2, 4, 8), R(2, 2, 6, 8), R(3, 2, 6, 8));
        Assert.NotEqual(dec.Forward(t, m1).ToDoubleArray(), dec.Forward(t, m2).ToDoubleArray());
        Close(dec.Forward(t, t).ToDoubleArray(), dec.Forward(t).ToDoubleArray());
    }

    [Fact]
    public void Sinusoidal_encoding_adds_sines_and_cosines_by_position()
    {
        var pe = new SinusoidalPositionalEncoding(4, 10, DType.Float64);
        var y = pe.Forward(Tensor.Zeros(new Shape(1, 3, 4), DType.Float64)).ToDoubleArray();
        // Position 2: sin(2), cos(2), sin(2/100), cos(2/100).
        Close([Math.Sin(2), Math.Cos(2), Math.Sin(0.02), Math.Cos(0.02)], y.Skip(8).ToArray());
        var e = Assert.Throws<ArgumentException>(() => pe.Forward(Tensor.Zeros(new Shape(1, 11, 4), DType.Float64)));
        Assert.Equal("SinusoidalPositionalEncoding: sequence length 11 of input (1, 11, 4) exceeds maxLen 10.", e.Message);
    }

    [Fact]
    public void Learned_embedding_adds_its_first_T_rows_and_learns_them()
    {
        var emb = new LearnedPositionalEmbedding(6, 4, new Generator(6));
        var x = Tensor.Zeros(new Shape(2, 3, 4));
        var y = emb.Forward(x);
        Assert.Equal(emb.Weight.ToDoubleArray().Take(12).Concat(emb.Weight.ToDoubleArray().Take(12)).ToArray(), y.ToDoubleArray());
        y.Sum().Backward();
        Assert.Equal([.. Enumerable.Repeat(2.0, 12), .. Enumerable.Repeat(0.0, 12)], emb.Weight.Grad!.ToDoubleArray());
    }
}
