using AutoGrad.NN;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    // Dropout 0 so that GradCheck's repeated calls see one function; the dropout paths are tested in NN/.
    private static readonly OpCase[] AttentionLayerRows =
    [
        Layer("MultiheadAttention(4, 2) self-attention", g => new MultiheadAttention(4, 2, g), [2, 3, 4]),
        Layer("MultiheadAttention(4, 2) with key, value, masks and weights", g => new CrossAttention(new MultiheadAttention(4, 2, g)), [2, 3, 4]),
        Layer("TransformerEncoderLayer(4, 2, ff 6, GELU, pre-norm)",
            g => new TransformerEncoderLayer(4, 2, g, dimFeedforward: 6, dropout: 0, activation: TransformerActivation.Gelu, normFirst: true), [2, 3, 4]),
        Layer("TransformerEncoderLayer(4, 2, ff 6, ReLU, post-norm)", g => new TransformerEncoderLayer(4, 2, g, dimFeedforward: 6, dropout: 0), [2, 3, 4]),
        Layer("TransformerDecoderLayer(4, 2, ff 6, GELU, pre-norm)",
            g => new TransformerDecoderLayer(4, 2, g, dimFeedforward: 6, dropout: 0, activation: TransformerActivation.Gelu, normFirst: true), [2, 3, 4]),
        Layer("TransformerDecoderLayer(4, 2, ff 6, post-norm) with a causal target and memory",
            g => new DecoderWithMemory(new TransformerDecoderLayer(4, 2, g, dimFeedforward: 6, dropout: 0, activation: TransformerActivation.Gelu), g), [2, 3, 4]),
        Layer("TransformerEncoder(2 pre-norm layers, final norm)",
            g => new TransformerEncoder(new TransformerEncoderLayer(4, 2, g, dimFeedforward: 6, dropout: 0, activation: TransformerActivation.Gelu, normFirst: true), 2,
                new LayerNorm(4)), [2, 3, 4]),
        Layer("SinusoidalPositionalEncoding(4, 8)", _ => new SinusoidalPositionalEncoding(4, 8), [2, 3, 4]),
        Layer("LearnedPositionalEmbedding(8, 4)", g => new LearnedPositionalEmbedding(8, 4, g), [2, 3, 4]),
    ];

    // Query x, key and value x·0.5 + 1 (other tensors), a causal mask, a key-padding mask and returned weights.
    private sealed class CrossAttention : Module
    {
        private readonly MultiheadAttention _mha;

        public CrossAttention(MultiheadAttention mha) => _mha = RegisterModule("mha", mha);

        public override Tensor Forward(Tensor x)
        {
            var kv = x * 0.5 + 1;
            var pad = Tensor.Zeros(new Shape(2, 3), x.DType);
            pad.SetFlat(2, -1.5);   // batch 0's last key weakened, not hidden
            var (y, w) = _mha.Forward(x, kv, kv, pad, null, needWeights: true, isCausal: true);
            return y + w!.Sum(-1, keepDims: true);
        }
    }

    // Target x attending causally to a memory derived from x.
    private sealed class DecoderWithMemory : Module
    {
        private readonly TransformerDecoderLayer _layer;

        public DecoderWithMemory(TransformerDecoderLayer layer, Generator _) => _layer = RegisterModule("layer", layer);

        public override Tensor Forward(Tensor x) => _layer.Forward(x, x.Tanh(), tgtIsCausal: true);
    }
}
