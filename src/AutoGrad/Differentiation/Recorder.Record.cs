namespace AutoGrad.Differentiation;

// The recorder's public entry for user code, written here rather than in Recorder.cs (the root folder, below the ops)
// because it refuses batched tensors, whose rules are in Ops/Batching.cs (CONTRIBUTING.md, "Layering").
public static partial class Recorder
{
    /// <summary>
    /// Records <paramref name="output"/> as made by <paramref name="op"/> from <paramref name="inputs"/>, when recording is
    /// on and some input requires gradients; returns <paramref name="output"/>.
    /// </summary>
    /// <param name="op">The op's name, shown in errors and graph views.</param>
    /// <param name="output">The op's result.</param>
    /// <param name="inputs">The op's tensor inputs.</param>
    /// <param name="rule">Maps <c>∂L/∂output</c> to the inputs' gradients.</param>
    /// <param name="saved">
    /// The tensors whose values <paramref name="rule"/> reads (default: every input and the output); an in-place write to one
    /// of them before backward is an error. Pass an empty array for rules that read no values (Add, Reshape, Sum).
    /// </param>
    public static Tensor Record(string op, Tensor output, Tensor[] inputs, BackwardRule rule, Tensor[]? saved = null)
    {
        // A user rule has no batching rule: Vmap runs its function as a loop instead (Note [Vmap fallback] in Differentiation/Functional.Vmap.cs).
        if (Batching.IsOn(output) || inputs.Any(Batching.IsOn)) throw new BatchingUnsupportedException(op, "a rule recorded by user code");
        return Records(inputs) ? Recorded(op, output, inputs, rule, saved, libraryRule: false) : Unrecorded(op, output, inputs);
    }
}
