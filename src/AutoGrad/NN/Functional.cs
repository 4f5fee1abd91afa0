namespace AutoGrad.NN;

/// <summary>
/// The layers as functions of their input and their parameters (PyTorch's <c>torch.nn.functional</c>, imported as <c>F</c>), for
/// models that own their tensors: <c>F.Linear(x, w, b)</c>, <c>F.LayerNorm(x, [d], w, b)</c>, <c>F.LstmCell(x, (h, c), …)</c>.
/// </summary>
/// <remarks>
/// Weights follow PyTorch's layouts: <see cref="Linear(Tensor, Tensor, Tensor?)"/> takes <c>(out, in)</c> and computes <c>x·wᵀ + b</c>; the
/// recurrent cells take <c>(G·H, in)</c> and <c>(G·H, H)</c> with gates stacked in PyTorch's order (LSTM: i, f, g, o; GRU: r, z, n).
/// <see cref="NN.Conv2d"/>, <see cref="NN.BatchNorm"/>, <see cref="NN.LayerNorm"/>, <see cref="NN.Dropout"/> and <see cref="NN.Embedding"/>
/// call these functions. Every function is composed of recorded ops, so gradients (and second derivatives) follow.
/// The activations' function forms are ops on <see cref="Tensor"/> (<c>x.Relu()</c>, <c>x.Gelu()</c>, <c>x.Softmax(-1)</c>).
/// </remarks>
public static partial class F
{
    /// <summary>Affine map <c>y = x·wᵀ + b</c> over the last axis: <paramref name="weight"/> is <c>(out, in)</c>, <paramref name="x"/> is <c>(…, in)</c>.</summary>
    /// <exception cref="ArgumentException">The weight is not 2-D, or <paramref name="x"/> does not end in <c>in</c> features.</exception>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2) throw new ArgumentException($"F.Linear: the weight must be (out, in), got {weight.Shape}.");
        if (x.Rank < 1 || x.Shape[-1] != weight.Shape[1])
            throw new ArgumentException($"F.Linear: input shape {x.Shape} must end in {weight.Shape[1]} features (the weight is (out, in) = {weight.Shape}).");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != weight.Shape[0]))
            throw new ArgumentException($"F.Linear: the bias must be ({weight.Shape[0]}), got {bias.Shape}.");
        if (x.Rank >= 2) return LinearAlgebraOps.MatMul(x, weight, false, true, bias);   // the GEMM reads wᵀ in place, bias fused
        var y = x.MatMul(weight.Transpose(0, 1));
        return bias is null ? y : y + bias;
    }

    /// <summary>2-D convolution (cross-correlation) of <c>(N, C, H, W)</c> with a <c>(out, C, kh, kw)</c> weight, zero padding on every side.</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0) =>
        ConvolutionOps.Conv2d(x, weight, bias, stride, (padding, padding, padding, padding));

    /// <summary>2-D convolution with <see cref="PaddingMode.Same"/> or <see cref="PaddingMode.Valid"/> padding.</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride, PaddingMode padding) => x.Conv2d(weight, bias, stride, padding);

    // The module's form: any (top, bottom, left, right) padding.
    internal static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride, (int, int, int, int) padding) =>
        ConvolutionOps.Conv2d(x, weight, bias, stride, padding);

    /// <summary>
    /// Batch normalisation over axis 1 (channels) of <c>(N, C, …)</c>: <c>y = γ·(x − μ)/√(σ² + ε) + β</c>. In training, μ and the biased σ² of the
    /// batch normalise, and the running statistics (when given) are updated in place, <c>r ← (1 − momentum)·r + momentum·s</c>, with the
    /// unbiased variance <c>m/(m − 1)·σ²</c> (as PyTorch); otherwise the running statistics normalise.
    /// </summary>
    /// <exception cref="ArgumentException">A shape does not match <c>C</c>, evaluation without running statistics, or training with one value per channel.</exception>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5) =>
        BatchNorm("F.BatchNorm", x, runningMean, runningVar, weight, bias, training, momentum, eps);

    internal static Tensor BatchNorm(string name, Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum, double eps)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 2) throw new ArgumentException($"{name}: the input must be (N, C, …), got {x.Shape}.");
        int channels = x.Shape[1];
        foreach (var (t, what) in new[] { (runningMean, "running mean"), (runningVar, "running variance"), (weight, "weight"), (bias, "bias") })
            if (t is not null && (t.Rank != 1 || t.Shape[0] != channels))
                throw new ArgumentException($"{name}: the {what} must be ({channels}) for input {x.Shape}, got {t.Shape}.");
        if ((runningMean is null) != (runningVar is null)) throw new ArgumentException($"{name}: give both running statistics or neither.");
        if (!training && runningMean is null) throw new ArgumentException($"{name}: evaluation (training false) needs the running statistics.");
        var axes = Enumerable.Range(0, x.Rank).Where(a => a != 1).ToArray();
        var bshape = Enumerable.Repeat(1, x.Rank).ToArray();
        bshape[1] = channels;
        Tensor xhat;
        if (training)
        {
            int m = x.Size / channels;
            if (m < 2) throw new ArgumentException($"{name}: training needs more than one value per channel, got shape {x.Shape}.");
            var mean = x.Mean(axes, keepDims: true);
            var variance = (x - mean).Square().Mean(axes, keepDims: true);
            xhat = (x - mean) / (variance + eps).Sqrt();
            if (runningMean is not null)
                using (Differentiation.Recorder.NoGrad())
                {
                    var bm = mean.Detach().Reshape(channels);
                    var bv = variance.Detach().Reshape(channels) * (m / (m - 1.0));
                    runningMean.RunningAverageInPlace(bm, momentum);
                    runningVar!.RunningAverageInPlace(bv, momentum);
                }
        }
        else
        {
            xhat = (x - runningMean!.Reshape(bshape)) / (runningVar!.Reshape(bshape) + eps).Sqrt();
        }
        if (weight is not null) xhat *= weight.Reshape(bshape);
        return bias is null ? xhat : xhat + bias.Reshape(bshape);
    }

    /// <summary>
    /// Layer normalisation over the last axes, which must equal <paramref name="normalizedShape"/>: <c>y = γ·(x − μ)/√(σ² + ε) + β</c> with the
    /// biased variance of each example; <paramref name="weight"/> and <paramref name="bias"/> (optional) have that shape.
    /// </summary>
    public static Tensor LayerNorm(Tensor x, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        return LayerNorm(x, new Shape(normalizedShape), weight, bias, eps);
    }

    internal static Tensor LayerNorm(Tensor x, Shape normalizedShape, Tensor? weight, Tensor? bias, double eps)
    {
        ArgumentNullException.ThrowIfNull(x);
        int k = normalizedShape.Rank;
        bool ok = x.Rank >= k;
        for (int i = 0; ok && i < k; i++) ok = x.Shape[x.Rank - k + i] == normalizedShape[i];
        if (!ok) throw new ArgumentException($"LayerNorm: input shape {x.Shape} does not end in {normalizedShape}.");
        foreach (var t in new[] { weight, bias })
            if (t is not null && t.Shape != normalizedShape) throw new ArgumentException($"LayerNorm: weight and bias must be {normalizedShape}, got {t.Shape}.");
        // The fused op (Note [Fused LayerNorm] in src/AutoGrad.Kernels/LayerNormKernels.cs); the composed form under Vmap and
        // in an op trace, where an exporter reads the LayerNorm module's description or these ops
        var fused = Differentiation.OpTrace.IsActive ? null : NormalizationOps.TryLayerNorm(x, normalizedShape.Size, weight, bias, eps);
        return fused ?? LayerNormComposed(x, normalizedShape, weight, bias, eps);
    }

    /// <summary>LayerNorm composed from means, a square root and element-wise ops: the reference the fused op is tested against.</summary>
    internal static Tensor LayerNormComposed(Tensor x, Shape normalizedShape, Tensor? weight, Tensor? bias, double eps)
    {
        int k = normalizedShape.Rank;
        var axes = Enumerable.Range(x.Rank - k, k).ToArray();
        var centered = x - x.Mean(axes, keepDims: true);
        var y = centered / (centered.Square().Mean(axes, keepDims: true) + eps).Sqrt();
        if (weight is not null) y *= weight;
        return bias is null ? y : y + bias;
    }

    /// <summary>
    /// Inverted dropout: in training each element is zeroed with probability <paramref name="p"/> and the rest scaled by <c>1/(1 − p)</c>
    /// (masks drawn from <paramref name="generator"/>); otherwise <paramref name="x"/> itself.
    /// </summary>
    public static Tensor Dropout(Tensor x, double p, bool training, Generator generator) => DropoutWithMask(x, p, training, generator).Y;

    internal static (Tensor Y, Tensor? Mask) DropoutWithMask(Tensor x, double p, bool training, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(generator);
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: p must be in [0, 1), got {p}.");
        if (!training || p == 0) return (x, null);
        return DropoutOps.Apply(x, p, generator);   // one mask per example under Vmap (Note [Dropout masks under Vmap])
    }

    /// <summary>Rows of the <c>(V, D)</c> table <paramref name="weight"/> picked by the token ids <paramref name="ids"/> (any shape): result <c>(…ids, D)</c>.</summary>
    /// <exception cref="IndexOutOfRangeException">An id is outside <c>[0, V)</c>.</exception>
    public static Tensor Embedding(Tensor ids, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2) throw new ArgumentException($"Embedding: the weight must be (num_embeddings, dim), got {weight.Shape}.");
        var y = IndexingOps.Embedding(ids, weight);
        // Note [Op traces] in src/AutoGrad/OpTrace.cs: the tape holds the rows picked with the ids as constants; an exporter
        // needs the ids themselves (a graph input, for a language model)
        if (Differentiation.OpTrace.IsActive) Differentiation.OpTrace.Describe(y, "Embedding", [weight, ids]);
        return y;
    }
}
