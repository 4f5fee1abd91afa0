namespace AutoGrad.NN;

/// <summary>The feed-forward activation of a transformer layer (PyTorch's <c>activation="relu"</c> or <c>"gelu"</c>).</summary>
public enum TransformerActivation
{
    /// <summary><c>max(0, x)</c>, PyTorch's default.</summary>
    Relu,

    /// <summary>The exact GELU <c>x·Φ(x)</c>.</summary>
    Gelu,
}
