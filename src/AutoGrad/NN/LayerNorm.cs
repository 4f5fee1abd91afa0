using AutoGrad.Differentiation;

namespace AutoGrad.NN;

/// <summary>Layer normalisation <c>y = γ ⊙ (x − μ)/√(σ² + ε) + β</c>, statistics over the trailing <c>normalizedShape</c> axes of each sample.</summary>
/// <remarks>Uses the biased variance, as PyTorch does; the same computation in training and evaluation.</remarks>
public sealed class LayerNorm : Module
{
    /// <summary>A layer norm over trailing axes of shape <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentException($"LayerNorm: normalizedShape ({string.Join(", ", normalizedShape)}) must be non-empty and positive.");
        NormalizedShape = new Shape(normalizedShape);
        Eps = eps;
        Affine = elementwiseAffine;
        if (elementwiseAffine)
        {
            RegisterParameter("weight", Tensor.Ones(NormalizedShape, dtype));
            RegisterParameter("bias", Tensor.Zeros(NormalizedShape, dtype));
        }
    }

    /// <summary>A layer norm over the last axis of length <paramref name="features"/>.</summary>
    public LayerNorm(int features, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
        : this([features], eps, elementwiseAffine, dtype) { }

    /// <summary>The trailing shape normalised over.</summary>
    public Shape NormalizedShape { get; }

    /// <summary>The <c>ε</c> added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Whether <c>γ</c> and <c>β</c> are learned.</summary>
    public bool Affine { get; }

    /// <summary><c>y = γ ⊙ (x − μ)/√(σ² + ε) + β</c>.</summary>
    public override Tensor Forward(Tensor x)
    {
        int k = NormalizedShape.Rank;
        bool ok = x.Rank >= k;
        for (int i = 0; ok && i < k; i++) ok = x.Shape[x.Rank - k + i] == NormalizedShape[i];
        if (!ok) throw new ArgumentException($"LayerNorm: input shape {x.Shape} does not end in {NormalizedShape}.");
        var axes = Enumerable.Range(x.Rank - k, k).ToArray();
        var centered = x - x.Mean(axes, keepDims: true);
        var y = centered / (centered.Square().Mean(axes, keepDims: true) + Eps).Sqrt();
        var result = Affine ? y * Parameter("weight") + Parameter("bias") : y;
        // see Note [Op traces] in Differentiation/OpTrace.cs: an exporter writes one LayerNormalization instead of the ops above
        if (OpTrace.IsActive) OpTrace.Describe(result, "LayerNorm", [x, Affine ? Parameter("weight") : null, Affine ? Parameter("bias") : null], ("axis", x.Rank - k), ("eps", Eps));
        return result;
    }
}
