namespace AutoGrad.Data;

/// <summary>
/// Data sets for language models: fixed-length windows over a corpus of token ids, each example's targets being its tokens shifted by
/// one (<c>x = tokens[s … s+T−1]</c>, <c>y = tokens[s+1 … s+T]</c>), for <see cref="Training.Objectives.TokenCrossEntropy"/>.
/// </summary>
/// <remarks>
/// Ids are stored as float32 tensors (exact below 2²⁴), which <see cref="NN.Embedding"/> and <see cref="NN.F.Embedding"/> read as indices.
/// Windows start every <c>stride</c> tokens (default <c>T</c>: every token is predicted once per epoch); a shuffling
/// <see cref="DataLoader"/> then draws them in random order.
/// </remarks>
public static class TokenSequenceDataset
{
    /// <summary>The largest id a float32 holds exactly (2²⁴).</summary>
    public const int MaxTokenId = 1 << 24;

    /// <summary>The windows of <paramref name="context"/> tokens over <paramref name="tokens"/>, starting every <paramref name="stride"/> tokens.</summary>
    /// <exception cref="ArgumentException">The context or stride is not positive, an id is negative or ≥ 2²⁴, or the corpus is shorter than one window plus one token.</exception>
    public static Dataset Windows(IReadOnlyList<int> tokens, int context, int? stride = null, string name = "tokens")
    {
        ArgumentNullException.ThrowIfNull(tokens);
        int step = stride ?? context;
        if (context < 1) throw new ArgumentOutOfRangeException(nameof(context), $"TokenSequenceDataset '{name}': the context must be ≥ 1, got {context}.");
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(stride), $"TokenSequenceDataset '{name}': the stride must be ≥ 1, got {step}.");
        if (tokens.Count < context + 1)
            throw new ArgumentException($"TokenSequenceDataset '{name}': {tokens.Count} tokens are fewer than one window of {context} plus the next token.", nameof(tokens));
        for (int i = 0; i < tokens.Count; i++)
            if ((uint)tokens[i] >= MaxTokenId)
                throw new ArgumentException($"TokenSequenceDataset '{name}': token {i} has id {tokens[i]}, outside [0, 2^24) (float32 holds ids exactly only there).", nameof(tokens));
        long windows = (tokens.Count - context - 1) / step + 1;
        if (windows * context > Shape.MaxElements)
            throw new ArgumentException($"TokenSequenceDataset '{name}': {windows} windows of {context} tokens exceed {Shape.MaxElements} elements; use a larger stride.", nameof(tokens));
        int n = (int)windows;
        var x = new float[n * context];
        var y = new float[n * context];
        for (int w = 0; w < n; w++)
            for (int t = 0; t < context; t++)
            {
                x[w * context + t] = tokens[w * step + t];
                y[w * context + t] = tokens[w * step + t + 1];
            }
        return new Dataset(Tensor.FromArray(x, n, context), Tensor.FromArray(y, n, context), name);
    }

    /// <summary>
    /// Splits the corpus in two contiguous parts, the first <c>1 − validationFraction</c> of its tokens for training and the rest for validation
    /// (so no window of one part sees tokens of the other), and makes each part's <see cref="Windows"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The fraction is not in (0, 1), or a part is shorter than one window plus one token.</exception>
    public static (Dataset Train, Dataset Validation) Split(IReadOnlyList<int> tokens, int context, double validationFraction = 0.1, int? stride = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), $"TokenSequenceDataset: the validation fraction must be in (0, 1), got {validationFraction}.");
        int cut = (int)Math.Round(tokens.Count * (1 - validationFraction));
        var list = tokens as int[] ?? tokens.ToArray();
        return (Windows(list[..cut], context, stride, "train"), Windows(list[cut..], context, stride, "validation"));
    }
}
