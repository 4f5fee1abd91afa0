using AutoGrad.NN;

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
        CheckClipAndNoise(clipNorm, noiseMultiplier, generator);
        if (perSample.Count == 0) throw new ArgumentException("PrivateGradient: no gradients given.", nameof(perSample));
        int batch = perSample.First().Value.Shape[0];
        foreach (var (name, g) in perSample)
            if (g.Rank == 0 || g.Shape[0] != batch)
                throw new ArgumentException($"PrivateGradient: '{name}' has shape {g.Shape}, not {batch} examples along axis 0 like the others.", nameof(perSample));
        if (batch == 0) throw new ArgumentException("PrivateGradient: the per-sample gradients hold no examples.", nameof(perSample));
        using var _ = Differentiation.Recorder.NoGrad();
        Tensor? squares = null;
        foreach (var g in perSample.Values)
        {
            var s = g.Reshape(batch, -1).Square().Sum(1);
            squares = squares is null ? s : squares + s;
        }
        var scale = ClipScales(squares!, clipNorm);
        var result = new Dictionary<string, Tensor>(perSample.Count);
        foreach (var (name, g) in perSample)
        {
            // Σ_b s_b·g_b as one row-vector product (1, B)·(B, size): one pass over the per-sample gradients, no scaled copy.
            var sum = scale.Reshape(1, batch).MatMul(g.Reshape(batch, -1)).Reshape(new Shape(g.Shape.Dims[1..]));
            result[name] = NoisyMean(sum, batch, clipNorm, noiseMultiplier, generator);
        }
        return result;
    }

    /// <summary>
    /// The same DP-SGD gradient as <see cref="PrivateGradient(IReadOnlyDictionary{string, Tensor}, double, double, Generator)"/>
    /// of <see cref="ModuleTransforms.PerSampleGradients"/>, for a model and a batch, without writing the per-sample gradients
    /// out when the model is an MLP (a <see cref="Sequential"/> of <see cref="Linear"/> layers and parameter-free row-wise
    /// modules on 2-D inputs); any other model takes that path.
    /// </summary>
    /// <remarks>
    /// Example b's gradient of a Linear weight is the outer product of the layer's input row <c>a_b</c> and output-gradient row
    /// <c>g_b</c>, so its squared norm is <c>‖a_b‖²·‖g_b‖²</c> (Goodfellow 2015, "Efficient Per-Example Gradient Computations",
    /// arXiv:1510.01799), and the clipped sum <c>Σ_b s_b·g_b a_bᵀ</c> is one matrix product of the rows scaled by
    /// <c>s_b = min(1, C/‖g_b‖)</c>: the cost of one ordinary backward pass, where the per-sample tensors of an MLP
    /// 784→128→10 are 400 KB per example. The noise is drawn in the model's parameter order, as the other overload draws it
    /// for the dictionary <see cref="ModuleTransforms.PerSampleGradients"/> returns, so the two agree to rounding for the
    /// same generator.
    /// </remarks>
    /// <param name="model">The model; its parameters are the ones differentiated, and are left untouched.</param>
    /// <param name="loss">The loss of a batch of predictions against a batch of targets.</param>
    /// <param name="inputs">The batch of inputs, examples along axis 0.</param>
    /// <param name="targets">The batch of targets, examples along axis 0.</param>
    /// <param name="clipNorm">The clipping norm C &gt; 0.</param>
    /// <param name="noiseMultiplier">σ ≥ 0 (0: clipping and averaging only).</param>
    /// <param name="generator">The noise's random source.</param>
    public static Dictionary<string, Tensor> PrivateGradient(Module model, Func<Tensor, Tensor, Tensor> loss, Tensor inputs, Tensor targets, double clipNorm, double noiseMultiplier, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        CheckClipAndNoise(clipNorm, noiseMultiplier, generator);
        if (inputs.Rank == 0 || targets.Rank == 0 || inputs.Shape[0] != targets.Shape[0])
            throw new ArgumentException($"PrivateGradient: inputs {inputs.Shape} and targets {targets.Shape} must have the same number of examples along axis 0.");
        if (inputs.Shape[0] == 0) throw new ArgumentException("PrivateGradient: the batch holds no examples.", nameof(inputs));
        if (ModuleTransforms.LinearFactors(model, loss, inputs, targets) is not { } factors)
            return PrivateGradient(ModuleTransforms.PerSampleGradients(model, loss, inputs, targets), clipNorm, noiseMultiplier, generator);

        int batch = inputs.Shape[0];
        using var _ = Differentiation.Recorder.NoGrad();
        Tensor? squares = null;
        foreach (var f in factors)
        {
            var gg = f.OutputGradient.Square().Sum(1);
            var s = gg * f.Input.Square().Sum(1);
            if (f.Layer.HasBias) s = s + gg;
            squares = squares is null ? s : squares + s;
        }
        var scale = ClipScales(squares!, clipNorm);
        var sums = new Dictionary<string, Tensor>();
        foreach (var f in factors)
        {
            var sg = f.OutputGradient * scale.Reshape(batch, 1);
            // Σ_b s_b·g_b a_bᵀ laid out as the weight is: aᵀ(s∘g) for (in, out), (s∘g)ᵀa for (out, in).
            sums[f.Prefix + "weight"] = f.InOut ? LinearAlgebraOps.MatMul(f.Input, sg, transA: true, transB: false) : LinearAlgebraOps.MatMul(sg, f.Input, transA: true, transB: false);
            if (f.Layer.HasBias) sums[f.Prefix + "bias"] = sg.Sum(0);
        }
        var result = new Dictionary<string, Tensor>(sums.Count);
        foreach (var (name, _) in model.NamedParameters()) result[name] = NoisyMean(sums[name], batch, clipNorm, noiseMultiplier, generator);
        return result;
    }

    private static void CheckClipAndNoise(double clipNorm, double noiseMultiplier, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (!(clipNorm > 0) || double.IsInfinity(clipNorm)) throw new ArgumentOutOfRangeException(nameof(clipNorm), $"PrivateGradient: clipNorm must be positive and finite, got {clipNorm}.");
        if (!(noiseMultiplier >= 0) || double.IsInfinity(noiseMultiplier)) throw new ArgumentOutOfRangeException(nameof(noiseMultiplier), $"PrivateGradient: noiseMultiplier must be ≥ 0 and finite, got {noiseMultiplier}.");
    }

    // s_b = min(1, C/‖g_b‖) from the examples' squared gradient norms (B).
    private static Tensor ClipScales(Tensor squares, double clipNorm)
    {
        var norms = squares.Sqrt();
        return 1.0 / (norms / clipNorm).Maximum(Tensor.Scalar(1, norms.DType));
    }

    // (1/B)·(sum + N(0, σ²C²·I)): the noise drawn in the sum's shape, one parameter after another in the caller's order.
    private static Tensor NoisyMean(Tensor sum, int batch, double clipNorm, double noiseMultiplier, Generator generator) =>
        (noiseMultiplier > 0 ? sum + Tensor.Randn(sum.Shape, generator, sum.DType) * (noiseMultiplier * clipNorm) : sum) / batch;
}
