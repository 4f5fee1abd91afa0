namespace AutoGrad.Transforms;

/// <summary>DP-SGD's gradient (Abadi et al. 2016, "Deep Learning with Differential Privacy", Algorithm 1) from per-sample gradients.</summary>
public static class DifferentialPrivacy
{
    /// <summary>
    /// <c>(1/B)·(Σ_b g_b·min(1, C/‖g_b‖) + N(0, σ²C²·I))</c> per parameter, where <c>‖g_b‖</c> is example b's gradient norm over
    /// all parameters together: each example's gradient clipped to norm <paramref name="clipNorm"/>, seeded Gaussian noise added, averaged.
    /// </summary>
    /// <param name="perSample">Per-sample gradients, each (B, parameter shape), as <see cref="ModuleTransforms.PerSampleGradients"/> returns them.</param>
    /// <param name="clipNorm">The clipping norm C &gt; 0.</param>
    /// <param name="noiseMultiplier">σ ≥ 0 (0: clipping and averaging only).</param>
    /// <param name="generator">The noise's random source.</param>
    public static Dictionary<string, Tensor> PrivateGradient(IReadOnlyDictionary<string, Tensor> perSample, double clipNorm, double noiseMultiplier, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(perSample);
        ArgumentNullException.ThrowIfNull(generator);
        if (!(clipNorm > 0) || double.IsInfinity(clipNorm)) throw new ArgumentOutOfRangeException(nameof(clipNorm), $"PrivateGradient: clipNorm must be positive and finite, got {clipNorm}.");
        if (!(noiseMultiplier >= 0) || double.IsInfinity(noiseMultiplier)) throw new ArgumentOutOfRangeException(nameof(noiseMultiplier), $"PrivateGradient: noiseMultiplier must be ≥ 0 and finite, got {noiseMultiplier}.");
        if (perSample.Count == 0) throw new ArgumentException("PrivateGradient: no gradients given.", nameof(perSample));
        int batch = perSample.First().Value.Shape[0];
        foreach (var (name, g) in perSample)
            if (g.Rank == 0 || g.Shape[0] != batch)
                throw new ArgumentException($"PrivateGradient: '{name}' has shape {g.Shape}, not {batch} examples along axis 0 like the others.", nameof(perSample));
        using var _ = Differentiation.Recorder.NoGrad();
        Tensor? squares = null;
        foreach (var g in perSample.Values)
        {
            var s = g.Reshape(batch, -1).Square().Sum(1);
            squares = squares is null ? s : squares + s;
        }
        var norms = squares!.Sqrt();
        var scale = 1.0 / (norms / clipNorm).Maximum(Tensor.Scalar(1, norms.DType));   // min(1, C/‖g_b‖)
        var result = new Dictionary<string, Tensor>(perSample.Count);
        foreach (var (name, g) in perSample)
        {
            var shape = new Shape(g.Shape.Dims[1..]);
            var factor = scale.Reshape([batch, .. Enumerable.Repeat(1, shape.Rank)]);
            var sum = (g * factor).Sum(0);
            if (noiseMultiplier > 0) sum = sum + Tensor.Randn(shape, generator, g.DType) * (noiseMultiplier * clipNorm);
            result[name] = sum / batch;
        }
        return result;
    }
}
