namespace AutoGrad.Optim;

/// <summary>A snapshot of an optimizer: its per-parameter tensors (keyed <c>"index.name"</c>) and scalars (step count, learning rate).</summary>
public sealed class OptimizerState
{
    /// <summary>Per-parameter state tensors such as momentum buffers, keyed <c>"{parameter index}.{name}"</c>.</summary>
    public Dictionary<string, Tensor> Tensors { get; } = [];

    /// <summary>Scalars such as <c>"step"</c> and <c>"lr"</c>.</summary>
    public Dictionary<string, double> Scalars { get; } = [];
}
