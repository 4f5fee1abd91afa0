namespace AutoGrad.NN;

/// <summary>
/// A transformer decoder layer as PyTorch's <c>nn.TransformerDecoderLayer</c>: self-attention over the target, attention from the
/// target to the encoder's output (the memory), then a feed-forward block, each with a residual connection and LayerNorm.
/// </summary>
/// <remarks>
/// Submodules carry PyTorch's names: <c>self_attn</c>, <c>multihead_attn</c>, <c>linear1</c>, <c>dropout</c>, <c>linear2</c>,
/// <c>norm1</c>–<c>norm3</c>, <c>dropout1</c>–<c>dropout3</c>. Post-norm (default) or pre-norm (<c>normFirst</c>), as the encoder layer.
/// </remarks>
public sealed class TransformerDecoderLayer : Module
{
    private readonly TransformerActivation _activation;
    private readonly bool _normFirst;

    /// <summary>A layer of width <paramref name="dModel"/> with <paramref name="nHead"/> heads; parameters as <see cref="TransformerEncoderLayer"/>'s.</summary>
    /// <param name="dModel">The model width.</param>
    /// <param name="nHead">Attention heads; must divide dModel.</param>
    /// <param name="generator">Draws the initial weights and the dropout masks.</param>
    /// <param name="dimFeedforward">Width of the feed-forward block's hidden layer.</param>
    /// <param name="dropout">Drop probability.</param>
    /// <param name="activation">The feed-forward activation.</param>
    /// <param name="layerNormEps">The LayerNorms' ε.</param>
    /// <param name="batchFirst">Inputs are (N, L, E) when true (the default here), (L, N, E) otherwise.</param>
    /// <param name="normFirst">Pre-norm when true, post-norm (PyTorch's default) when false.</param>
    /// <param name="dtype">Element type of the parameters.</param>
    public TransformerDecoderLayer(int dModel, int nHead, Generator generator, int dimFeedforward = 2048, double dropout = 0.1,
        TransformerActivation activation = TransformerActivation.Relu, double layerNormEps = 1e-5, bool batchFirst = true, bool normFirst = false,
        DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (dimFeedforward <= 0) throw new ArgumentException($"TransformerDecoderLayer: dimFeedforward must be positive, got {dimFeedforward}.");
        (_activation, _normFirst) = (activation, normFirst);
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, nHead, generator, dropout, true, batchFirst, dtype));
        MultiheadAttn = RegisterModule("multihead_attn", new MultiheadAttention(dModel, nHead, generator, dropout, true, batchFirst, dtype));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward, generator, dtype: dtype));
        Dropout = RegisterModule("dropout", new Dropout(dropout, generator));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel, generator, dtype: dtype));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps, dtype: dtype));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps, dtype: dtype));
        Norm3 = RegisterModule("norm3", new LayerNorm(dModel, layerNormEps, dtype: dtype));
        Dropout1 = RegisterModule("dropout1", new Dropout(dropout, generator));
        Dropout2 = RegisterModule("dropout2", new Dropout(dropout, generator));
        Dropout3 = RegisterModule("dropout3", new Dropout(dropout, generator));
    }

    /// <summary>Self-attention over the target (<c>self_attn</c>).</summary>
    public MultiheadAttention SelfAttn { get; }

    /// <summary>Attention from the target to the memory (<c>multihead_attn</c>).</summary>
    public MultiheadAttention MultiheadAttn { get; }

    /// <summary>The first feed-forward layer (<c>linear1</c>).</summary>
    public Linear Linear1 { get; }

    /// <summary>The second feed-forward layer (<c>linear2</c>).</summary>
    public Linear Linear2 { get; }

    /// <summary>The dropout inside the feed-forward block (<c>dropout</c>).</summary>
    public Dropout Dropout { get; }

    /// <summary>LayerNorm of the self-attention block (<c>norm1</c>).</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>LayerNorm of the memory-attention block (<c>norm2</c>).</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>LayerNorm of the feed-forward block (<c>norm3</c>).</summary>
    public LayerNorm Norm3 { get; }

    /// <summary>Dropout after self-attention (<c>dropout1</c>).</summary>
    public Dropout Dropout1 { get; }

    /// <summary>Dropout after memory attention (<c>dropout2</c>).</summary>
    public Dropout Dropout2 { get; }

    /// <summary>Dropout after the feed-forward block (<c>dropout3</c>).</summary>
    public Dropout Dropout3 { get; }

    /// <summary>The layer with the input as its own memory, <c>Forward(x, x)</c>, and no masks.</summary>
    public override Tensor Forward(Tensor x) => Forward(x, x);

    /// <summary>The layer on target <paramref name="tgt"/> attending to <paramref name="memory"/>, with optional masks as PyTorch's.</summary>
    /// <param name="tgt">The target (N, T, E).</param>
    /// <param name="memory">The encoder's output (N, S, E).</param>
    /// <param name="tgtMask">(T, T) mask of the target's self-attention.</param>
    /// <param name="memoryMask">(T, S) mask of the attention to the memory.</param>
    /// <param name="tgtKeyPaddingMask">(N, T) padding of the target.</param>
    /// <param name="memoryKeyPaddingMask">(N, S) padding of the memory.</param>
    /// <param name="tgtIsCausal">Causal self-attention.</param>
    /// <param name="memoryIsCausal">Causal attention to the memory.</param>
    /// <returns>The new target (N, T, E).</returns>
    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null, bool tgtIsCausal = false, bool memoryIsCausal = false)
    {
        ArgumentNullException.ThrowIfNull(tgt);
        ArgumentNullException.ThrowIfNull(memory);
        var x = tgt;
        Tensor Sa(Tensor t) => Dropout1.Forward(SelfAttn.Forward(t, t, t, tgtKeyPaddingMask, tgtMask, needWeights: false, isCausal: tgtIsCausal).Output);
        Tensor Ma(Tensor t) => Dropout2.Forward(MultiheadAttn.Forward(t, memory, memory, memoryKeyPaddingMask, memoryMask, needWeights: false, isCausal: memoryIsCausal).Output);
        Tensor Ff(Tensor t) => Dropout3.Forward(Linear2.Forward(Dropout.Forward(TransformerEncoderLayer.Act(Linear1.Forward(t), _activation))));
        if (_normFirst)
        {
            x = x + Sa(Norm1.Forward(x));
            x = x + Ma(Norm2.Forward(x));
            return x + Ff(Norm3.Forward(x));
        }
        x = Norm1.Forward(x + Sa(x));
        x = Norm2.Forward(x + Ma(x));
        return Norm3.Forward(x + Ff(x));
    }
}
