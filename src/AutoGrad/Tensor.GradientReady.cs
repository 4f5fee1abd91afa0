using AutoGrad.Differentiation;

namespace AutoGrad;

public sealed partial class Tensor
{
    private List<Action<Tensor>>? _readyHooks => _hookLists?.Ready;   // see HookLists in Tensor.Hooks.cs

    internal bool HasReadyHooks => _readyHooks is { Count: > 0 };

    /// <summary>
    /// Registers <paramref name="hook"/> to observe a leaf's gradient <c>∂L/∂this</c> of a <see cref="Backward"/> pass as soon as it is
    /// complete — during the walk, right after the last op that uses this tensor has propagated — rather than after the walk.
    /// Dispose the handle to remove it.
    /// </summary>
    /// <remarks>
    /// The hook only observes: the tensor it receives is the sum of this pass before <see cref="RegisterHook"/> hooks and before it is
    /// added to <see cref="Grad"/>, valid only during the call (copy what you keep). It runs in walk order, so work it starts (a
    /// nonblocking all-reduce of the gradient) overlaps the rest of the backward pass; <c>Functional.Grad</c> does not run it
    /// (see Note [Gradient-ready hooks] in Differentiation/GradientReadyPlan.cs).
    /// </remarks>
    /// <exception cref="InvalidOperationException">The tensor is not a leaf that requires gradients.</exception>
    public IDisposable RegisterGradientReadyHook(Action<Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!RequiresGrad || !IsLeaf)
            throw new InvalidOperationException("RegisterGradientReadyHook: only a leaf that requires gradients has a gradient that becomes ready.");
        ((_hookLists ??= new()).Ready ??= []).Add(hook);
        return new ReadyHookHandle(this, hook);
    }

    internal void RunReadyHooks(Tensor g)
    {
        foreach (var hook in _readyHooks!.ToArray()) hook(g);
    }

    private sealed class ReadyHookHandle(Tensor owner, Action<Tensor> hook) : IDisposable
    {
        public void Dispose() => owner._readyHooks?.Remove(hook);
    }
}
