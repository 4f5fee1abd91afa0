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
        var result = F.LayerNorm(x, NormalizedShape, Affine ? Parameter("weight") : null, Affine ? Parameter("bias") : null, Eps);
        // see Note [Op traces] in OpTrace.cs: an exporter writes one LayerNormalization instead of the ops F.LayerNorm records
        if (OpTrace.IsActive)
            OpTrace.Describe(result, "LayerNorm", [x, Affine ? Parameter("weight") : null, Affine ? Parameter("bias") : null], ("axis", x.Rank - NormalizedShape.Rank), ("eps", Eps));
        return result;
    }
}
