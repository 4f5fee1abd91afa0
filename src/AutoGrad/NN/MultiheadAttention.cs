namespace AutoGrad.NN;

/// <summary>
/// Multi-head attention (Vaswani et al. 2017) with PyTorch's parameters: <c>in_proj_weight</c> (3E, E), <c>in_proj_bias</c> (3E),
/// <c>out_proj.weight</c> (E, E), <c>out_proj.bias</c> (E), all in PyTorch's (out, in) layout, so state dicts move both ways.
/// </summary>
/// <remarks>
/// Masks follow <c>torch.nn.MultiheadAttention</c>: a float mask is added to the scores; a boolean mask hides where it is
/// True (the opposite of <see cref="AttentionOps.ScaledDotProductAttention"/>'s boolean masks, as in PyTorch). A mask is
/// boolean when its dtype is <see cref="DType.Bool"/>; <see cref="ToAdditive"/> is the one place it is read.
/// Without <c>needWeights</c> the heads run through the fused <see cref="AttentionOps.ScaledDotProductAttention"/>; with it,
/// through the composed softmax so the weights exist. Dropout of the attention weights applies in training only.
/// </remarks>
public sealed class MultiheadAttention : Module
{
    private readonly Generator _generator;

    /// <summary>Attention over <paramref name="numHeads"/> heads of <c>embedDim / numHeads</c> features each.</summary>
    /// <param name="embedDim">The model width E.</param>
    /// <param name="numHeads">Heads H; must divide E.</param>
    /// <param name="generator">Draws the initial weights and, in training, the dropout masks.</param>
    /// <param name="dropout">Drop probability of the attention weights.</param>
    /// <param name="bias">Whether the input and output projections add a bias.</param>
    /// <param name="batchFirst">Inputs are (N, L, E) when true (the default here), (L, N, E) otherwise.</param>
    /// <param name="dtype">Element type of the parameters.</param>
    public MultiheadAttention(int embedDim, int numHeads, Generator generator, double dropout = 0, bool bias = true, bool batchFirst = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (embedDim <= 0 || numHeads <= 0)
            throw new ArgumentException($"MultiheadAttention: embedDim and numHeads must be positive, got embedDim {embedDim}, numHeads {numHeads}.");
        if (embedDim % numHeads != 0)
            throw new ArgumentException($"MultiheadAttention: embedDim {embedDim} is not divisible by numHeads {numHeads}.");
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), $"MultiheadAttention: dropout must be in [0, 1), got {dropout}.");
        (EmbedDim, NumHeads, Dropout, BatchFirst, HasBias, _generator) = (embedDim, numHeads, dropout, batchFirst, bias, generator);
        // PyTorch's _reset_parameters: xavier_uniform_ on the (3E, E) matrix, zero biases.
        RegisterParameter("in_proj_weight", Init.Initializers.GlorotUniform(new Shape(3 * embedDim, embedDim), embedDim, 3 * embedDim, generator, dtype));
        if (bias) RegisterParameter("in_proj_bias", Tensor.Zeros(new Shape(3 * embedDim), dtype));
        RegisterModule("out_proj", new AttentionProjection(embedDim, bias, generator, dtype));
    }

    /// <summary>The model width E.</summary>
    public int EmbedDim { get; }

    /// <summary>The number of heads H.</summary>
    public int NumHeads { get; }

    /// <summary>Width of one head, E/H.</summary>
    public int HeadDim => EmbedDim / NumHeads;

    /// <summary>Drop probability of the attention weights in training.</summary>
    public double Dropout { get; }

    /// <summary>Whether inputs are (N, L, E) rather than (L, N, E).</summary>
    public bool BatchFirst { get; }

    /// <summary>Whether the projections add biases.</summary>
    public bool HasBias { get; }

    /// <summary>Self-attention of <paramref name="x"/> without masks: <c>Forward(x, x, x).Output</c>.</summary>
    public override Tensor Forward(Tensor x) => Forward(x, x, x, needWeights: false).Output;

    /// <summary>
    /// <c>concat(head₁ … head_H)·W_Oᵀ + b_O</c> with <c>headᵢ = softmax(QᵢKᵢᵀ/√(E/H) + mask)Vᵢ</c> and Q, K, V the projected
    /// query, key and value.
    /// </summary>
    /// <param name="query">(N, L, E), or (L, N, E) without batchFirst.</param>
    /// <param name="key">(N, S, E), or (S, N, E).</param>
    /// <param name="value">(N, S, E), or (S, N, E).</param>
    /// <param name="keyPaddingMask">(N, S): hides padded keys (float: added; boolean: True = padding).</param>
    /// <param name="attnMask">(L, S) or (N·H, L, S): added to every head's scores (boolean: True = hidden).</param>
    /// <param name="needWeights">Also return the attention weights (computed through the composed softmax).</param>
    /// <param name="averageAttnWeights">Return the weights averaged over heads, (N, L, S), rather than (N, H, L, S).</param>
    /// <param name="isCausal">Hide key j from query i when j &gt; i (combines with the masks).</param>
    /// <returns>The output, shaped as the query, and the weights when <paramref name="needWeights"/>.</returns>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null, Tensor? attnMask = null,
        bool needWeights = true, bool averageAttnWeights = true, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!BatchFirst) (query, key, value) = (query.Transpose(0, 1), key.Transpose(0, 1), value.Transpose(0, 1));
        CheckInputs(query, key, value);
        int n = query.Shape[0], l = query.Shape[1], s = key.Shape[1], h = NumHeads, d = HeadDim, e = EmbedDim;
        var mask = CombinedMask(keyPaddingMask, attnMask, n, l, s, query.DType);

        var w = Parameter("in_proj_weight");
        var b = HasBias ? Parameter("in_proj_bias") : null;
        Tensor q, k, v;
        if (ReferenceEquals(query, key) && ReferenceEquals(key, value))
        {
            var qkv = AttentionProjection.Project(query, w, b).Split(e, -1);   // self-attention: one product
            (q, k, v) = (qkv[0], qkv[1], qkv[2]);
        }
        else
        {
            var ws = w.Split(e, 0);
            var bs = b?.Split(e, 0);
            q = AttentionProjection.Project(query, ws[0], bs?[0]);
            k = AttentionProjection.Project(key, ws[1], bs?[1]);
            v = AttentionProjection.Project(value, ws[2], bs?[2]);
        }
        q = q.Reshape(n, l, h, d).Permute(0, 2, 1, 3);
        k = k.Reshape(n, s, h, d).Permute(0, 2, 1, 3);
        v = v.Reshape(n, s, h, d).Permute(0, 2, 1, 3);
        double p = Training ? Dropout : 0;

        Tensor heads;
        Tensor? weights = null;
        if (!needWeights)
            heads = q.ScaledDotProductAttention(k, v, mask, isCausal, p, generator: p > 0 ? _generator : null);
        else
        {
            var scores = q.MatMul(k.Transpose()) * (1 / Math.Sqrt(d));
            if (mask is not null) scores += mask;
            if (isCausal) scores = scores.MaskedFill(Tensor.Ones(new Shape(l, s), scores.DType).Triu(1), double.NegativeInfinity);
            var attn = scores.Softmax(-1);
            if (p > 0) attn *= Tensor.Bernoulli(attn.Shape, 1 - p, _generator, attn.DType) * (1 / (1 - p));
            heads = attn.MatMul(v);
            weights = averageAttnWeights ? attn.Mean(1) : attn;
        }
        var merged = heads.Permute(0, 2, 1, 3).Reshape(n, l, e);
        var output = Child("out_proj").Forward(merged);
        if (!BatchFirst) output = output.Transpose(0, 1);
        return (output, weights);
    }

    private Module Child(string name) => Children().First(c => c.Name == name).Module;

    private void CheckInputs(Tensor query, Tensor key, Tensor value)
    {
        string Shapes() => $"query {query.Shape}, key {key.Shape}, value {value.Shape}";
        string layout = BatchFirst ? "(N, L, E)" : "(L, N, E)";
        if (query.Rank != 3 || key.Rank != 3 || value.Rank != 3)
            throw new ArgumentException($"MultiheadAttention: query, key and value must be 3-D {layout}{(BatchFirst ? "" : " (shown batch-first)")}, got {Shapes()}.");
        if (query.Shape[-1] != EmbedDim || key.Shape[-1] != EmbedDim || value.Shape[-1] != EmbedDim)
            throw new ArgumentException($"MultiheadAttention: query, key and value must end in embedDim {EmbedDim}, got {Shapes()}.");
        if (key.Shape[0] != query.Shape[0] || value.Shape[0] != query.Shape[0])
            throw new ArgumentException($"MultiheadAttention: query, key and value must have the same batch size, got {Shapes()} (batch-first).");
        if (key.Shape[1] != value.Shape[1])
            throw new ArgumentException($"MultiheadAttention: key and value must have the same length S, got {Shapes()} (batch-first).");
    }

    // One additive mask broadcastable to (N, H, L, S): the key padding as (N, 1, 1, S) plus the attention mask as (L, S) or (N, H, L, S).
    private Tensor? CombinedMask(Tensor? keyPadding, Tensor? attnMask, int n, int l, int s, DType dtype)
    {
        Tensor? mask = null;
        if (keyPadding is not null)
        {
            if (keyPadding.Rank != 2 || keyPadding.Shape[0] != n || keyPadding.Shape[1] != s)
                throw new ArgumentException($"MultiheadAttention: keyPaddingMask must be (N, S) = ({n}, {s}), got {keyPadding.Shape}.");
            mask = ToAdditive(keyPadding, dtype).Reshape(n, 1, 1, s);
        }
        if (attnMask is not null)
        {
            Tensor m;
            if (attnMask.Rank == 2 && attnMask.Shape[0] == l && attnMask.Shape[1] == s) m = ToAdditive(attnMask, dtype);
            else if (attnMask.Rank == 3 && attnMask.Shape[0] == n * NumHeads && attnMask.Shape[1] == l && attnMask.Shape[2] == s)
                m = ToAdditive(attnMask, dtype).Reshape(n, NumHeads, l, s);
            else
                throw new ArgumentException($"MultiheadAttention: attnMask must be (L, S) = ({l}, {s}) or (N·H, L, S) = ({n * NumHeads}, {l}, {s}), got {attnMask.Shape}.");
            mask = mask is null ? m : mask + m;
        }
        return mask;
    }

    /// <summary>
    /// A mask as the additive one it means: a float mask as it is (in the scores' dtype); a Bool mask as −∞ where True
    /// (PyTorch's MultiheadAttention convention) through <see cref="CombineOps.Where"/> of two scalars, so no constant of the
    /// mask's shape is made: a mask computed from the input (padding ids) exports with its batch axis dynamic.
    /// </summary>
    private static bool IsBoolean(Tensor mask) => mask.DType == DType.Bool;

    private static Tensor ToAdditive(Tensor mask, DType dtype)
    {
        if (IsBoolean(mask)) return CombineOps.Where(mask, Tensor.Scalar(double.NegativeInfinity, dtype), Tensor.Scalar(0, dtype));
        return mask.DType == dtype ? mask : mask.To(dtype);
    }
}
