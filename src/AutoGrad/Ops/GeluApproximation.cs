namespace AutoGrad;

/// <summary>Which form of GELU <c>x·Φ(x)</c> to compute.</summary>
public enum GeluApproximation
{
    /// <summary>Exact <c>x·½[1 + erf(x/√2)]</c> (Hendrycks and Gimpel 2016).</summary>
    None,

    /// <summary><c>x·σ(1.702x)</c> (Hendrycks and Gimpel 2016); within 0.021 of the exact form.</summary>
    Sigmoid,

    /// <summary><c>½x[1 + tanh(√(2/π)(x + 0.044715x³))]</c> (Hendrycks and Gimpel; PyTorch's <c>approximate='tanh'</c>).</summary>
    Tanh,
}
