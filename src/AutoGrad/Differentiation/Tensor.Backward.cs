using AutoGrad.Differentiation;

namespace AutoGrad;

// Tensor's members that run the engine or an op, written here rather than in Tensor.cs so that the root folder (the tensor
// and its tape) never depends on the engine above the ops (CONTRIBUTING.md, "Layering").
public sealed partial class Tensor
{
    /// <summary>
    /// Computes <c>∂this/∂x</c> for every leaf <c>x</c> that requires gradients and adds it to <c>x.Grad</c>.
    /// </summary>
    /// <param name="gradient">The seed <c>∂L/∂this</c>; may be omitted only for a scalar (then it is 1).</param>
    /// <param name="retainGraph">Keep the graph so that backward can run through it again.</param>
    /// <param name="createGraph">Record the backward pass itself, so gradients can be differentiated again.</param>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false) =>
        Engine.Backward(this, gradient, retainGraph, createGraph);

    /// <summary>Clears the accumulated gradient: sets <see cref="Grad"/> to null, or with <paramref name="setToNone"/> false fills it with 0 in place.</summary>
    /// <remarks>
    /// Keeping the buffer (as PyTorch's <c>zero_grad(set_to_none=False)</c>) lets the next backward add into it instead of
    /// allocating a new gradient each step; whoever holds the old <see cref="Grad"/> then sees it change.
    /// </remarks>
    public void ZeroGrad(bool setToNone = true)
    {
        if (setToNone || Grad is null) { Grad = null; return; }
        using (Recorder.NoGrad()) Grad.Fill(0);
    }
}
