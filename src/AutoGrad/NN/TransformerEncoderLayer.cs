namespace AutoGrad.NN;

/// <summary>
/// A transformer encoder layer as PyTorch's <c>nn.TransformerEncoderLayer</c>: self-attention then a feed-forward block, each with
/// a residual connection and LayerNorm — after it (post-norm, the default) or before it (<c>normFirst</c>, pre-norm).
/// </summary>
/// <remarks>
/// Submodules carry PyTorch's names: <c>self_attn</c>, <c>linear1</c>, <c>dropout</c>, <c>linear2</c>, <c>norm1</c>, <c>norm2</c>,
/// <c>dropout1</c>, <c>dropout2</c>. Post-norm: <c>x = norm1(x + SA(x)); x = norm2(x + FF(x))</c>; pre-norm:
/// <c>x = x + SA(norm1(x)); x = x + FF(norm2(x))</c>, with <c>FF(x) = linear2(dropout(act(linear1(x))))</c>.
/// </remarks>
public sealed class TransformerEncoderLayer : Module
{
    /// <summary>A layer of width <paramref name="dModel"/> with <paramref name="nHead"/> heads.</summary>
    /// <param name="dModel">The model width.</param>
    /// <param name="nHead">Attention heads; must divide dModel.</param>
    /// <param name="generator">Draws the initial weights and the dropout masks.</param>
    /// <param name="dimFeedforward">Width of the feed-forward block's hidden layer.</param>
    /// <param name="dropout">Drop probability after attention, inside and after the feed-forward block, and of the attention weights.</param>
    /// <param name="activation">The feed-forward activation.</param>
    /// <param name="layerNormEps">The LayerNorms' ε.</param>
    /// <param name="batchFirst">Inputs are (N, L, E) when true (the default here), (L, N, E) otherwise.</param>
    /// <param name="normFirst">Pre-norm when true, post-norm (PyTorch's default) when false.</param>
    /// <param name="dtype">Element type of the parameters.</param>
    public TransformerEncoderLayer(int dModel, int nHead, Generator generator, int dimFeedforward = 2048, double dropout = 0.1,
        TransformerActivation activation = TransformerActivation.Relu, double layerNormEps = 1e-5, bool batchFirst = true, bool normFirst = false,
        DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (dimFeedforward <= 0) throw new ArgumentException($"TransformerEncoderLayer: dimFeedforward must be positive, got {dimFeedforward}.");
        (DModel, NHead, DimFeedforward, DropoutP, Activation, LayerNormEps, BatchFirst, NormFirst, Generator) =
            (dModel, nHead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, generator);
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, nHead, generator, dropout, true, batchFirst, dtype));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward, generator, dtype: dtype));
        Dropout = RegisterModule("dropout", new Dropout(dropout, generator));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel, generator, dtype: dtype));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps, dtype: dtype));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps, dtype: dtype));
        Dropout1 = RegisterModule("dropout1", new Dropout(dropout, generator));
        Dropout2 = RegisterModule("dropout2", new Dropout(dropout, generator));
    }

    /// <summary>The model width.</summary>
    public int DModel { get; }

    /// <summary>The number of attention heads.</summary>
    public int NHead { get; }

    /// <summary>The feed-forward hidden width.</summary>
    public int DimFeedforward { get; }

    /// <summary>The drop probability.</summary>
    public double DropoutP { get; }

    /// <summary>The feed-forward activation.</summary>
    public TransformerActivation Activation { get; }

    /// <summary>The LayerNorms' ε.</summary>
    public double LayerNormEps { get; }

    /// <summary>Whether inputs are batch-first.</summary>
    public bool BatchFirst { get; }

    /// <summary>Pre-norm (true) or post-norm (false).</summary>
    public bool NormFirst { get; }

    internal Generator Generator { get; }

    /// <summary>The self-attention block (<c>self_attn</c>).</summary>
    public MultiheadAttention SelfAttn { get; }

    /// <summary>The first feed-forward layer (<c>linear1</c>).</summary>
    public Linear Linear1 { get; }

    /// <summary>The second feed-forward layer (<c>linear2</c>).</summary>
    public Linear Linear2 { get; }

    /// <summary>The dropout inside the feed-forward block (<c>dropout</c>).</summary>
    public Dropout Dropout { get; }

    /// <summary>The LayerNorm of the attention block (<c>norm1</c>).</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The LayerNorm of the feed-forward block (<c>norm2</c>).</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>The dropout after attention (<c>dropout1</c>).</summary>
    public Dropout Dropout1 { get; }

    /// <summary>The dropout after the feed-forward block (<c>dropout2</c>).</summary>
    public Dropout Dropout2 { get; }

    /// <summary>The layer without masks.</summary>
    public override Tensor Forward(Tensor x) => Forward(x, null, null);

    /// <summary>The layer on <paramref name="src"/> with an optional attention mask (L, L), key padding mask (N, L) and causality.</summary>
    public Tensor Forward(Tensor src, Tensor? srcMask, Tensor? srcKeyPaddingMask, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(src);
        var x = src;
        if (NormFirst)
        {
            x = x + SelfAttention(Norm1.Forward(x), srcMask, srcKeyPaddingMask, isCausal);
            return x + FeedForward(Norm2.Forward(x));
        }
        x = Norm1.Forward(x + SelfAttention(x, srcMask, srcKeyPaddingMask, isCausal));
        return Norm2.Forward(x + FeedForward(x));
    }

    private Tensor SelfAttention(Tensor x, Tensor? mask, Tensor? keyPadding, bool isCausal) =>
        Dropout1.Forward(SelfAttn.Forward(x, x, x, keyPadding, mask, needWeights: false, isCausal: isCausal).Output);

    private Tensor FeedForward(Tensor x) => Dropout2.Forward(Linear2.Forward(Dropout.Forward(Act(Linear1.Forward(x), Activation))));

    internal static Tensor Act(Tensor x, TransformerActivation activation) => activation == TransformerActivation.Gelu ? x.Gelu() : x.Relu();
}
