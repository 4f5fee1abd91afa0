namespace AutoGrad.Differentiation;

/// <summary>Functional entry points to the backward engine: gradients returned rather than accumulated into <c>.Grad</c>.</summary>
public static partial class Functional
{
    /// <summary>
    /// Returns <c>Σₖ gradOutputsₖ · ∂outputsₖ/∂inputsᵢ</c> for each input without touching any <c>.Grad</c>.
    /// </summary>
    /// <param name="outputs">Tensors to differentiate.</param>
    /// <param name="inputs">Tensors (leaves or not) to differentiate with respect to; each must require gradients.</param>
    /// <param name="gradOutputs">Seeds, one per output; null entries (or a null array) mean 1 for single-element outputs.</param>
    /// <param name="retainGraph">Keep the graph for another backward pass.</param>
    /// <param name="createGraph">Record this pass so the returned gradients can be differentiated again.</param>
    /// <param name="allowUnused">Return null for an input the outputs do not depend on instead of throwing.</param>
    public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs = null,
        bool retainGraph = false, bool createGraph = false, bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        return Engine.Grad(outputs, inputs, gradOutputs, retainGraph || createGraph, createGraph, allowUnused);
    }

    /// <summary><c>∂output/∂inputᵢ</c> of a single-element output.</summary>
    public static Tensor?[] Grad(Tensor output, params Tensor[] inputs) => Grad([output], inputs);
}
